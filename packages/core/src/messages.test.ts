import { describe, expect, it } from "vitest";
import { createAnsweredCall, transition } from "./call-state";
import { toCallView } from "./call-views";
import {
  abandonCutoffs,
  badgeCount,
  canSeeMessage,
  formatMessageDuration,
  liveAccess,
  liveCallbackSchema,
  mergeLiveSegments,
  MESSAGE_BEGIN_LIMITS,
  MESSAGE_LIMITS,
  mayBeginMessage,
  messageListInput,
  messageOffer,
  messageSearchInput,
  type LiveSegment,
  type MessageAccess,
} from "./messages";
import { decideLeaveMessage, type Relationship } from "./reachability";
import { ANN, apply, at, BO, CY, ringing, RING_SECONDS, stranger } from "./testing/call-fixtures";

/** Every combination of the five relationship flags. */
function allRelationships(): Relationship[] {
  const out: Relationship[] = [];
  for (let bits = 0; bits < 32; bits++) {
    const bit = (i: number) => (bits & (1 << i)) !== 0;
    out.push({
      recipientBlockedCaller: bit(0),
      callerBlockedRecipient: bit(1),
      callerIsRecipientContact: bit(2),
      recipientCalledCaller: bit(3),
      sharedCall: bit(4),
    });
  }
  return out;
}

const names = new Map([
  [ANN, { displayName: "Ann", handle: "ann" }],
  [BO, { displayName: "Bo", handle: "bo" }],
]);

/** The call as the caller sees it after the ring ended as `how`, for a call of `kind`. */
function endedCall(kind: "audio" | "video", how: "timeout" | "decline" | "answer-and-hang-up" | "cancel") {
  const base = { ...ringing([BO]), kind };
  let call;
  switch (how) {
    case "timeout":
      call = apply(base, { type: "expire", now: at(RING_SECONDS) });
      break;
    case "decline":
      call = apply(base, { type: "decline", userId: BO, now: at(5) });
      break;
    case "answer-and-hang-up":
      call = apply(base, { type: "answer", userId: BO, now: at(5) }, { type: "leave", userId: BO, now: at(20) });
      break;
    case "cancel":
      call = apply(base, { type: "cancel", userId: ANN, now: at(5) });
      break;
  }
  return toCallView(call, ANN, names);
}

const known: Relationship = { ...stranger, callerIsRecipientContact: true };
const soonAfter = at(RING_SECONDS + 60);

function offer(input: {
  rel?: Relationship;
  acceptMessages?: boolean;
  liveVoicemail?: boolean;
  kind?: "audio" | "video";
  how?: Parameters<typeof endedCall>[1];
  now?: Date;
}) {
  const call = endedCall(input.kind ?? "video", input.how ?? "timeout");
  const decision = decideLeaveMessage({ senderId: ANN, recipientId: BO, rel: input.rel ?? known });
  return messageOffer({
    call,
    viewerId: ANN,
    decision,
    acceptMessages: input.acceptMessages ?? true,
    liveVoicemail: input.liveVoicemail ?? true,
    now: input.now ?? soonAfter,
  });
}

describe("messageOffer", () => {
  it("offers a video message after an unanswered video call, a voicemail after an audio one", () => {
    expect(offer({ kind: "video" })).toEqual({ kind: "video" });
    expect(offer({ kind: "audio" })).toEqual({ kind: "voicemail" });
  });

  it("offers one after a decline too, but not after an answered call or the caller's own cancel", () => {
    expect(offer({ how: "decline" })).toEqual({ kind: "video" });
    expect(offer({ how: "answer-and-hang-up" })).toEqual({ kind: null });
    expect(offer({ how: "cancel" })).toEqual({ kind: null });
  });

  it("offers nothing once 15 minutes have passed since the call ended", () => {
    const ended = at(RING_SECONDS);
    expect(offer({ now: new Date(ended.getTime() + MESSAGE_LIMITS.leaveWithinMs) })).toEqual({ kind: "video" });
    expect(offer({ now: new Date(ended.getTime() + MESSAGE_LIMITS.leaveWithinMs + 1) })).toEqual({ kind: null });
  });

  it("offers a voicemail only when the callee has Live Voicemail on; video messages do not depend on it", () => {
    expect(offer({ kind: "audio", liveVoicemail: false })).toEqual({ kind: null });
    expect(offer({ kind: "video", liveVoicemail: false })).toEqual({ kind: "video" });
  });

  it("offers nothing of either kind when the callee has Accept messages off, even to a contact or someone they called", () => {
    const close: Relationship = { ...stranger, callerIsRecipientContact: true, recipientCalledCaller: true, sharedCall: true };
    expect(offer({ rel: close, kind: "video", acceptMessages: false })).toEqual({ kind: null });
    expect(offer({ rel: close, kind: "audio", acceptMessages: false })).toEqual({ kind: null });
    expect(offer({ rel: close, kind: "video", acceptMessages: true })).toEqual({ kind: "video" });
  });

  it("offers nothing to the callee, nor after a group call", () => {
    const call = endedCall("video", "timeout");
    const decision = decideLeaveMessage({ senderId: BO, recipientId: ANN, rel: known });
    expect(messageOffer({ call: toCallView(apply(ringing([BO]), { type: "expire", now: at(RING_SECONDS) }), BO, names), viewerId: BO, decision, acceptMessages: true, liveVoicemail: true, now: soonAfter })).toEqual({ kind: null });
    const group = toCallView(apply(ringing([BO, CY]), { type: "expire", now: at(RING_SECONDS) }), ANN, names);
    expect(messageOffer({ call: group, viewerId: ANN, decision: { ok: true }, acceptMessages: true, liveVoicemail: true, now: soonAfter })).toEqual({ kind: null });
    expect(call.direction).toBe("outgoing");
  });

  it("is the same after a silent ring (blocked) as after an unanswered one: both read as no answer", () => {
    const silent = toCallView(apply(ringing([BO], [BO]), { type: "expire", now: at(RING_SECONDS) }), ANN, names);
    const heard = toCallView(apply(ringing([BO]), { type: "expire", now: at(RING_SECONDS) }), ANN, names);
    const args = { viewerId: ANN, decision: { ok: true } as const, acceptMessages: true, liveVoicemail: true, now: soonAfter };
    expect(messageOffer({ ...args, call: silent })).toEqual(messageOffer({ ...args, call: heard }));
  });

  // The property the privacy of blocking rests on: for every relationship (a contact, someone the
  // callee called, someone who shared a call with them, a stranger), what a blocked caller is offered
  // equals what a stranger is offered, what any caller of a callee with Accept messages off is
  // offered, and what any caller of a callee with Live Voicemail off is offered for an audio call.
  // So a missing "Record Video" or "Leave Voicemail" never tells a caller they are blocked.
  it("gives a blocked caller exactly what a stranger, a caller of a callee with messages off and one without Live Voicemail get, for every relationship", () => {
    const isBlocked = (rel: Relationship) => rel.recipientBlockedCaller || rel.callerBlockedRecipient;
    const isKnown = (rel: Relationship) => rel.callerIsRecipientContact || rel.recipientCalledCaller || rel.sharedCall;
    let checked = 0;
    let offered = 0;
    for (const rel of allRelationships()) {
      for (const kind of ["audio", "video"] as const) {
        for (const how of ["timeout", "decline", "answer-and-hang-up", "cancel"] as const) {
          for (const liveVoicemail of [true, false]) {
            for (const acceptMessages of [true, false]) {
              const settings = { kind, how, liveVoicemail, acceptMessages };
              const got = offer({ rel, ...settings });
              const blocked = offer({ ...settings, rel: { ...rel, recipientBlockedCaller: true } });
              const asStranger = offer({ ...settings, rel: stranger });
              const messagesOff = offer({ ...settings, rel, acceptMessages: false });
              const noVoicemail = offer({ ...settings, rel, kind: "audio", liveVoicemail: false });
              // byte for byte the same answer, whatever the reason
              expect(blocked).toEqual({ kind: null });
              for (const same of [asStranger, messagesOff, noVoicemail]) expect(JSON.stringify(same)).toBe(JSON.stringify(blocked));
              if (isBlocked(rel) || !isKnown(rel) || !acceptMessages) expect(JSON.stringify(got)).toBe(JSON.stringify(blocked));
              // and the rule is not "never offer anything": a known caller of a callee taking messages gets one
              const unanswered = how === "timeout" || how === "decline";
              if (!isBlocked(rel) && isKnown(rel) && acceptMessages && unanswered && (kind === "video" || liveVoicemail)) {
                expect(got).toEqual({ kind: kind === "video" ? "video" : "voicemail" });
                offered += 1;
              }
              // nothing in the answer ever carries a reason
              expect(Object.keys(got)).toEqual(["kind"]);
              checked += 1;
            }
          }
        }
      }
    }
    expect(checked).toBe(32 * 2 * 4 * 2 * 2);
    // 7 known, unblocked relationships × (video: 2 + audio with Live Voicemail: 1) × 2 unanswered endings
    expect(offered).toBe(7 * 3 * 2);
  });
});

describe("mayBeginMessage", () => {
  it("allows 6 begins per call and 30 per hour over all calls", () => {
    expect(MESSAGE_BEGIN_LIMITS).toMatchObject({ perCall: 6, perHour: 30 });
    expect(mayBeginMessage({ onCall: 0, inWindow: 0 })).toBe(true);
    expect(mayBeginMessage({ onCall: 5, inWindow: 29 })).toBe(true);
    expect(mayBeginMessage({ onCall: 6, inWindow: 6 })).toBe(false);
    expect(mayBeginMessage({ onCall: 0, inWindow: 30 })).toBe(false);
  });
});

describe("canSeeMessage", () => {
  const base: MessageAccess = { senderId: ANN, recipientId: BO, status: "ready" };

  it("lets the sender see their message in every state", () => {
    for (const status of ["recording", "processing", "ready", "failed"] as const) {
      expect(canSeeMessage({ ...base, status }, ANN)).toBe(true);
    }
  });

  it("lets the recipient see it only once it is ready", () => {
    expect(canSeeMessage({ ...base, status: "recording" }, BO)).toBe(false);
    expect(canSeeMessage({ ...base, status: "processing" }, BO)).toBe(false);
    expect(canSeeMessage({ ...base, status: "failed" }, BO)).toBe(false);
    expect(canSeeMessage(base, BO)).toBe(true);
  });

  it("hides it from a recipient who has since blocked the sender, never from the sender", () => {
    expect(canSeeMessage({ ...base, recipientBlockedSender: true }, BO)).toBe(false);
    expect(canSeeMessage({ ...base, recipientBlockedSender: true }, ANN)).toBe(true);
  });

  it("keeps it from a recipient who blocked the sender while it was made, even once unblocked; the sender still sees it", () => {
    expect(canSeeMessage({ ...base, hiddenFromRecipient: true, recipientBlockedSender: false }, BO)).toBe(false);
    expect(canSeeMessage({ ...base, hiddenFromRecipient: true }, ANN)).toBe(true);
  });

  it("shows it to nobody else, and compares ids case-insensitively", () => {
    expect(canSeeMessage(base, CY)).toBe(false);
    expect(canSeeMessage(base, BO.toUpperCase())).toBe(true);
  });
});

describe("liveAccess", () => {
  const vm = { senderId: ANN, recipientId: BO, status: "recording" as const, kind: "voicemail" as const };

  it("lets both people follow a voicemail being left, active until it is over", () => {
    expect(liveAccess(vm, BO)).toEqual({ ok: true, active: true });
    expect(liveAccess(vm, ANN)).toEqual({ ok: true, active: true });
    expect(liveAccess({ ...vm, status: "processing" }, BO)).toEqual({ ok: true, active: false });
  });

  it("is refused to others, for video messages, for failed ones and for a recipient who blocked the sender", () => {
    expect(liveAccess(vm, CY)).toEqual({ ok: false });
    expect(liveAccess({ ...vm, kind: "video" }, BO)).toEqual({ ok: false });
    expect(liveAccess({ ...vm, status: "failed" }, BO)).toEqual({ ok: false });
    expect(liveAccess({ ...vm, recipientBlockedSender: true }, BO)).toEqual({ ok: false });
    expect(liveAccess({ ...vm, hiddenFromRecipient: true }, BO)).toEqual({ ok: false });
    expect(liveAccess({ ...vm, hiddenFromRecipient: true }, ANN)).toEqual({ ok: true, active: true });
  });
});

describe("mergeLiveSegments", () => {
  const seg = (id: number, text: string, final = false): LiveSegment => ({ id, text, final, startMs: id * 1000, endMs: id * 1000 + 900 });

  it("replaces a partial with its newer version and keeps segments in id order", () => {
    const merged = mergeLiveSegments([seg(0, "hel"), seg(2, "later")], [seg(1, "middle"), seg(0, "hello", true)]);
    expect(merged.map((s) => s.text)).toEqual(["hello", "middle", "later"]);
  });

  it("never lets a late partial replace a final segment", () => {
    const merged = mergeLiveSegments([seg(0, "hello there", true)], [seg(0, "hello th")]);
    expect(merged).toEqual([seg(0, "hello there", true)]);
  });

  it("keeps what it had when nothing arrives", () => {
    expect(mergeLiveSegments([seg(0, "a")], [])).toEqual([seg(0, "a")]);
  });
});

describe("createAnsweredCall (a voicemail picked up)", () => {
  const now = at(100);
  const call = createAnsweredCall({ id: "c1", kind: "audio", callerId: ANN, calleeId: BO, now });

  it("is an active audio call, answered now, with no ring left", () => {
    expect(call.status).toBe("active");
    expect(call.answeredAt).toEqual(now);
    expect(call.endedAt).toBeNull();
    expect(call.participants.map((p) => [p.userId, p.role, p.ring?.state ?? null])).toEqual([
      [ANN, "caller", null],
      [BO, "callee", "answered"],
    ]);
    const seen = toCallView(call, ANN, names);
    expect(seen.outcome).toBe("active");
    expect(seen.participants[1]?.outcome).toBe("answered");
    expect(toCallView(call, BO, names).missed).toBe(false);
  });

  it("goes on like any answered call: joins, then a hang-up ends it for both", () => {
    const joined = apply(call, { type: "join", userId: ANN, now: at(101) }, { type: "join", userId: BO, now: at(102) });
    expect(joined.status).toBe("active");
    const ended = apply(joined, { type: "leave", userId: BO, now: at(160) });
    expect(ended.status).toBe("ended");
    expect(toCallView(ended, ANN, names).durationSeconds).toBe(60);
    expect(toCallView(ended, BO, names).outcome).toBe("answered");
  });

  it("cannot be answered again or declined, and ends when its room closes", () => {
    expect(transition(call, { type: "decline", userId: BO, now: at(101) })).toEqual({ ok: false, error: { code: "not-ringing" } });
    expect(apply(call, { type: "room-finished", now: at(130) }).status).toBe("ended");
  });

  it("refuses a call with oneself", () => {
    expect(() => createAnsweredCall({ id: "c2", kind: "audio", callerId: ANN, calleeId: ANN.toUpperCase(), now })).toThrow(RangeError);
  });
});

describe("badgeCount", () => {
  it("adds unseen missed calls and unwatched messages", () => {
    expect(badgeCount({ unseenMissedCalls: 2, unwatchedMessages: 3 })).toBe(5);
    expect(badgeCount({ unseenMissedCalls: 0, unwatchedMessages: 0 })).toBe(0);
  });
});

describe("abandonCutoffs", () => {
  it("gives voicemails (spoken live) much less time than video uploads", () => {
    const now = at(3600);
    const c = abandonCutoffs(now);
    expect(now.getTime() - c.video.getTime()).toBe(MESSAGE_LIMITS.abandonAfterMs);
    expect(now.getTime() - c.voicemail.getTime()).toBe(MESSAGE_LIMITS.voicemailAbandonAfterMs);
    // a voicemail that was spoken to its limit still has minutes to finish uploading
    expect(MESSAGE_LIMITS.voicemailAbandonAfterMs).toBeGreaterThan((MESSAGE_LIMITS.maxSeconds + MESSAGE_LIMITS.graceSeconds) * 1000 + 2 * 60_000);
  });
});

describe("inputs", () => {
  it("cleans a search and refuses control characters with a readable message", () => {
    expect(messageSearchInput.parse({ q: "  hello   world " })).toEqual({ q: "hello world" });
    const bad = messageSearchInput.safeParse({ q: "a\u0000b" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe("Search can't contain control characters");
  });

  it("defaults the list limit and refuses one out of range", () => {
    expect(messageListInput.parse({})).toEqual({ limit: 50 });
    expect(messageListInput.safeParse({ limit: 0 }).success).toBe(false);
  });

  it("takes a cursor of the last message seen (createdAt and id) and refuses anything else with 'Not a valid cursor'", () => {
    const id = "0b3c2a8e-4a5f-4f3e-9c1d-2e7f6a5b4c3d";
    const before = { createdAt: "2026-11-26T14:00:00.123Z", id: id.toUpperCase() };
    expect(messageListInput.parse({ before })).toEqual({ limit: 50, before: { createdAt: before.createdAt, id } });
    const refused = (b: unknown) => messageListInput.safeParse({ before: b }).error?.issues.map((i) => i.message);
    expect(refused("2026-11-26T14:00:00.123Z")).toEqual(["Not a valid cursor"]);
    expect(refused({ createdAt: "10000-01-01T00:00:00Z", id })).toEqual(["Not a valid cursor"]);
    expect(refused({ createdAt: before.createdAt, id: "nope" })).toEqual(["Not a valid cursor"]);
    expect(refused({ createdAt: before.createdAt })).toEqual(["Not a valid cursor"]);
  });

  it("reads the transcriber's callback and refuses one with too many segments", () => {
    const id = "0b3c2a8e-4a5f-4f3e-9c1d-2e7f6a5b4c3d";
    expect(liveCallbackSchema.parse({ messageId: id.toUpperCase(), segments: [], ended: true })).toEqual({ messageId: id, segments: [], ended: true });
    const many = Array.from({ length: 501 }, (_, i) => ({ id: i, text: "x", final: true, startMs: 0, endMs: 1 }));
    expect(liveCallbackSchema.safeParse({ messageId: id, segments: many }).success).toBe(false);
  });
});

describe("formatMessageDuration", () => {
  it.each<[number | null, string]>([
    [null, ""],
    [-1, ""],
    [0, "0:00"],
    [4_960, "0:04"],
    [5_000, "0:05"],
    [59_999, "0:59"],
    [60_000, "1:00"],
    [180_000, "3:00"],
  ])("%s ms reads %s (rounded down, like the player)", (ms, text) => {
    expect(formatMessageDuration(ms)).toBe(text);
  });
});
