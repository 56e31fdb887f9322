import { describe, expect, it } from "vitest";
import { apply, ANN, at, BO, CY, RING_SECONDS, ringing } from "./testing/call-fixtures";
import { toCallView } from "./call-views";
import { callUpdatedEvent, incomingCallEvent, messageReceivedEvent, type RealtimeEvent } from "./events";
import type { MessageView } from "./messages";
import { deviceLabel, pushFor, pushSubscribeInput } from "./push";

const names = new Map([
  [ANN, { displayName: "Ana", handle: "ana" }],
  [BO, { displayName: "Bo", handle: "bo" }],
  [CY, { displayName: "Cy", handle: "cy" }],
]);

const ringEvent = (callees = [BO], viewer = BO) => incomingCallEvent(toCallView(ringing(callees), viewer, names));

function message(overrides: Partial<MessageView> = {}): MessageView {
  return {
    id: "m1",
    callId: null,
    kind: "video",
    direction: "received",
    status: "ready",
    other: { id: ANN, displayName: "Ana", handle: "ana" },
    createdAt: at(0),
    durationMs: 42_300,
    seen: false,
    mediaUrl: "/api/media/messages/m1",
    posterUrl: null,
    waveform: null,
    transcriptStatus: "none",
    transcript: null,
    ...overrides,
  };
}

describe("pushFor: rings", () => {
  it("pushes an incoming one-to-one ring with the caller's name, the kind, and the call screen to open", () => {
    const plan = pushFor(ringEvent(), BO, at(1));
    expect(plan).toMatchObject({
      key: expect.stringMatching(/^ring:/),
      urgency: "high",
      expiresAt: at(RING_SECONDS),
      message: { v: 1, kind: "ring", title: "Ana is calling", body: "Video call", url: expect.stringMatching(/^\/call\//) },
    });
  });

  it("says group call when others were rung too", () => {
    expect(pushFor(ringEvent([BO, CY]), BO, at(1))?.message.body).toBe("Group video call");
  });

  it("does not push a ring whose deadline has passed (the missed call is pushed instead)", () => {
    expect(pushFor(ringEvent(), BO, at(RING_SECONDS))).toBeNull();
  });

  it("never pushes to the caller", () => {
    // the caller's own view of its call is outgoing
    expect(pushFor(incomingCallEvent(toCallView(ringing(), ANN, names)), ANN, at(1))).toBeNull();
  });

  it("turns a ring that timed out or was cancelled into a missed call with the same tag", () => {
    const ring = pushFor(ringEvent(), BO, at(1));
    for (const ended of [apply(ringing(), { type: "expire", now: at(RING_SECONDS) }), apply(ringing(), { type: "cancel", userId: ANN, now: at(3) })]) {
      const plan = pushFor(callUpdatedEvent(toCallView(ended, BO, names)), BO, at(RING_SECONDS));
      expect(plan?.message).toMatchObject({ kind: "missed", title: "Missed call from Ana", body: "Video call", url: "/calls" });
      expect(plan?.message.tag).toBe(ring?.message.tag);
      expect(plan?.key).toMatch(/^missed:/);
    }
  });

  it("closes the ring on other devices when it was answered or declined", () => {
    const answered = apply(ringing(), { type: "answer", userId: BO, now: at(2) });
    const declined = apply(ringing(), { type: "decline", userId: BO, now: at(2) });
    expect(pushFor(callUpdatedEvent(toCallView(answered, BO, names)), BO, at(2))?.message).toMatchObject({ kind: "ring-over", body: "Answered" });
    expect(pushFor(callUpdatedEvent(toCallView(declined, BO, names)), BO, at(2))?.message).toMatchObject({ kind: "ring-over", body: "Declined" });
  });

  it("pushes nothing for a silent ring, from its start to its end", () => {
    // a silent ring's incoming-call is never published; its call-updated must not push either
    const silent = ringing([BO], [BO]);
    const timedOut = apply(silent, { type: "expire", now: at(RING_SECONDS) });
    expect(pushFor(callUpdatedEvent(toCallView(timedOut, BO, names)), BO, at(RING_SECONDS))).toBeNull();
  });

  it("pushes nothing for updates while my ring still rings, or to the caller when it ends", () => {
    const group = apply(ringing([BO, CY]), { type: "answer", userId: CY, now: at(2) });
    expect(pushFor(callUpdatedEvent(toCallView(group, BO, names)), BO, at(2))).toBeNull();
    const ended = apply(ringing(), { type: "expire", now: at(RING_SECONDS) });
    expect(pushFor(callUpdatedEvent(toCallView(ended, ANN, names)), ANN, at(RING_SECONDS))).toBeNull();
  });

  it("gives every notification about one call the same dedupe key per kind, whatever the event order", () => {
    const ended = apply(ringing(), { type: "expire", now: at(RING_SECONDS) });
    const a = pushFor(callUpdatedEvent(toCallView(ended, BO, names)), BO, at(RING_SECONDS));
    const b = pushFor(callUpdatedEvent(toCallView(ended, BO, names)), BO, at(RING_SECONDS + 60));
    expect(a?.key).toBe(b?.key);
  });
});

describe("pushFor: messages and everything else", () => {
  it("names a new video message and a new voicemail with their length", () => {
    expect(pushFor(messageReceivedEvent(message()), BO, at(0))?.message).toMatchObject({
      kind: "message",
      title: "New video message from Ana",
      body: "Video message · 0:42",
      url: "/messages/m1",
      tag: "message-m1",
    });
    expect(pushFor(messageReceivedEvent(message({ kind: "voicemail", durationMs: null })), BO, at(0))?.message).toMatchObject({
      title: "New voicemail from Ana",
      body: "Voicemail",
    });
  });

  it("quotes the start of a transcript", () => {
    const long = "word ".repeat(60);
    const body = pushFor(messageReceivedEvent(message({ kind: "voicemail", transcript: "Call me  back\nplease" })), BO, at(0))?.message.body;
    expect(body).toBe("0:42 · “Call me back please”");
    const cut = pushFor(messageReceivedEvent(message({ transcript: long })), BO, at(0))?.message.body ?? "";
    expect(cut.length).toBeLessThan(140);
    expect(cut.endsWith("…”")).toBe(true);
  });

  it("never pushes a message to its sender or before it is ready", () => {
    expect(pushFor(messageReceivedEvent(message({ direction: "sent" })), BO, at(0))).toBeNull();
    expect(pushFor(messageReceivedEvent(message({ status: "processing" })), BO, at(0))).toBeNull();
  });

  it.each<RealtimeEvent>([
    { type: "missed-seen", payload: {} },
    { type: "message-changed", payload: { messageId: "m1", change: "seen" } },
    { type: "library-changed", payload: { itemId: "i1", change: "added" } },
  ])("pushes nothing for $type", (event) => {
    expect(pushFor(event, BO, at(0))).toBeNull();
  });
});

describe("push subscriptions", () => {
  const p256dh = `B${"A".repeat(86)}`; // 87 base64url chars = 65 bytes
  const auth = "A".repeat(22); // 16 bytes
  const ok = { endpoint: "https://push.example.net/send/abc", keys: { p256dh, auth } };

  it("accepts a browser's subscription and refuses wrong keys with a reason", () => {
    expect(pushSubscribeInput.safeParse(ok).success).toBe(true);
    const bad = (input: unknown) => {
      const r = pushSubscribeInput.safeParse(input);
      return r.success ? null : r.error.issues[0]?.message;
    };
    expect(bad({ ...ok, keys: { p256dh: p256dh.slice(1), auth } })).toMatch(/p256dh/);
    expect(bad({ ...ok, keys: { p256dh, auth: `${auth}AAAA` } })).toMatch(/auth/);
    expect(bad({ ...ok, endpoint: "not a url" })).toMatch(/URL/);
    expect(bad({ ...ok, keys: { p256dh, auth: `${auth}==` } })).toBeNull();
    expect(bad({ ...ok, keys: { p256dh: `A${p256dh.slice(1)}`, auth } })).toMatch(/p256dh/);
    expect(bad({ ...ok, endpoint: `https://x.example/${"a".repeat(3000)}` })).toMatch(/too long/);
    // real endpoints are ASCII: a NUL (Postgres text cannot hold it), spaces or non-ASCII are refused here
    expect(bad({ ...ok, endpoint: "https://push.example.net/a\u0000b" })).toMatch(/printable ASCII/);
    expect(bad({ ...ok, endpoint: "https://push.example.net/a b" })).toMatch(/printable ASCII/);
    expect(bad({ ...ok, endpoint: "https://push.example.net/\u4e00\u4e01" })).toMatch(/printable ASCII/);
    expect(bad({ ...ok, endpoint: `https://push.example.net/${"~".repeat(2000)}` })).toBeNull();
    expect(bad({ ...ok, label: "\u202Eevil" })).toMatch(/direction/);
  });

  it("names devices from their user agent", () => {
    expect(deviceLabel("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36")).toBe(
      "Chrome on Android",
    );
    expect(deviceLabel("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1")).toBe(
      "Safari on iOS",
    );
    expect(deviceLabel("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")).toBe("Firefox on Linux");
    expect(deviceLabel(undefined)).toBe("Browser");
  });
});
