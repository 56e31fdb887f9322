import { randomUUID } from "node:crypto";
import { MESSAGE_REFUSED_TEXT, MESSAGE_TOO_FAST_TEXT } from "@ringback/core/messages";
import { updateMessage } from "@ringback/db/queries/messages";
import { throttleHits } from "@ringback/db/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { takeBeginSlot } from "../messages/begin-throttle";
import { receiveLiveSegments } from "../messages/live";
import { markFailed, uploadFinished } from "../messages/service";
import { withTempFile } from "../library/library-test-kit";
import { deliver, knownPair, servicesOf, unansweredCall } from "../messages/test-kit";
import { failure, startTestApi, type TestApi, type TestUser } from "../testing/harness";
import type { Services } from "../trpc";

let api: TestApi;
let services: Services;
beforeAll(async () => {
  api = await startTestApi();
  services = servicesOf(api);
});
afterAll(() => api.close());

/** A raw tRPC request as a browser sends it: status and body bytes exactly as they come back. */
async function raw(user: TestUser, path: string, input: unknown, method: "GET" | "POST") {
  const url = `${api.baseUrl}/api/trpc/${path}`;
  const encoded = JSON.stringify({ json: input });
  const res =
    method === "GET"
      ? await fetch(`${url}?input=${encodeURIComponent(encoded)}`, { headers: { cookie: user.cookie } })
      : await fetch(url, { method, headers: { cookie: user.cookie, "content-type": "application/json" }, body: encoded });
  return { status: res.status, body: await res.text() };
}

/**
 * Medians (ms) of two requests timed turn about, `n` times each: whatever else loads the machine
 * meanwhile slows both alike. `untimed` runs before each request, outside the clock.
 */
async function pairedMedians(
  n: number,
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
  untimed: () => Promise<unknown> = async () => {},
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  const time = async (run: () => Promise<unknown>, into: number[]) => {
    await untimed();
    const start = performance.now();
    await run();
    into.push(performance.now() - start);
  };
  for (let i = 0; i < n; i++) {
    // alternate who goes first, so neither always gets the warmer connection
    if (i % 2 === 0) {
      await time(first, times[0]);
      await time(second, times[1]);
    } else {
      await time(second, times[1]);
      await time(first, times[0]);
    }
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
  return [median(times[0]), median(times[1])];
}

/**
 * Two people who shared a call (the callee answered one from the caller) but are not contacts: the
 * policy lets the caller leave messages, so only the callee's Accept messages setting can stop them.
 */
async function sharedCallPair(names: [string, string]): Promise<{ a: TestUser; b: TestUser }> {
  const a = await api.signUp(names[0]);
  const b = await api.signUp(names[1]);
  const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "audio" });
  await api.as(b).calls.answer.mutate({ callId: call.id, kind: "audio" });
  await api.as(a).calls.leave.mutate({ callId: call.id });
  return { a, b };
}

describe("messages.offer and messages.begin: who may leave a message", () => {
  it("offers a video message after an unanswered video call to someone who knows the caller, and begins one", async () => {
    const { a, b } = await knownPair(api);
    const callId = await unansweredCall(api, a, b, "video");
    expect(await api.as(a).messages.offer.query({ callId })).toEqual({ kind: "video" });
    const begun = await api.as(a).messages.begin.mutate({ callId });
    expect(begun).toMatchObject({ kind: "video", maxSeconds: 180, uploadUrl: "/api/uploads", voicemail: null });
    expect(begun.maxBytes).toBeGreaterThan(1024 * 1024);
    // the callee never sees an unfinished message, nor gets to leave one on the caller's call
    expect(await failure(api.as(b).messages.get.query({ messageId: begun.messageId }))).toEqual({ status: 404, message: "No such message" });
    expect(await api.as(b).messages.offer.query({ callId })).toEqual({ kind: null });
    expect(await failure(api.as(b).messages.begin.mutate({ callId }))).toEqual({ status: 403, message: MESSAGE_REFUSED_TEXT });
  });

  it("offers nothing after an answered call, and nothing for someone else's call (404 like a missing one)", async () => {
    const { a, b } = await knownPair(api);
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    await api.as(b).calls.answer.mutate({ callId: call.id, kind: "video" });
    await api.as(a).calls.leave.mutate({ callId: call.id });
    expect(await api.as(a).messages.offer.query({ callId: call.id })).toEqual({ kind: null });

    const outsider = await api.signUp("Outsider");
    const missing = await failure(api.as(outsider).messages.offer.query({ callId: randomUUID() }));
    expect(missing).toEqual({ status: 404, message: "No such call" });
    expect(await failure(api.as(outsider).messages.offer.query({ callId: call.id }))).toEqual(missing);
    expect(await failure(api.as(outsider).messages.begin.mutate({ callId: call.id }))).toEqual(missing);
  });

  it("offers nothing to a caller who shared a call with the callee once the callee turns Accept messages off, and on again after", async () => {
    const { a, b } = await sharedCallPair(["Shared", "Callee"]);
    const before = await unansweredCall(api, a, b, "video");
    expect(await api.as(a).messages.offer.query({ callId: before })).toEqual({ kind: "video" });
    await api.as(b).settings.update.mutate({ acceptMessages: false });
    for (const kind of ["video", "audio"] as const) {
      const callId = await unansweredCall(api, a, b, kind);
      expect(await api.as(a).messages.offer.query({ callId })).toEqual({ kind: null });
      expect(await failure(api.as(a).messages.begin.mutate({ callId }))).toEqual({ status: 403, message: MESSAGE_REFUSED_TEXT });
    }
    expect(await api.as(a).messages.offer.query({ callId: before })).toEqual({ kind: null });
    expect(await api.as(b).messages.list.query({})).toEqual([]);
    await api.as(b).settings.update.mutate({ acceptMessages: true });
    expect(await api.as(a).messages.offer.query({ callId: before })).toEqual({ kind: "video" });
  });

  it("gives a blocked caller, a stranger and callers whose callee has Accept messages or Live Voicemail off byte-identical answers", async () => {
    // blocked: a contact who was then blocked
    const blocked = await knownPair(api, ["Blocked", "Blocker"]);
    await api.as(blocked.b).blocked.add.mutate({ userId: blocked.a.id });
    // stranger: the callee has never heard of the caller
    const stranger = { a: await api.signUp("Stranger"), b: await api.signUp("Callee") };
    // no voicemail: known, but the callee turned Live Voicemail off (an audio call)
    const noVoicemail = await knownPair(api, ["Known", "Quiet"]);
    await api.as(noVoicemail.b).settings.update.mutate({ liveVoicemail: false });
    // messages off: a contact, and someone who shared a call, whose callee takes no messages at all
    const messagesOff = await knownPair(api, ["Friend", "Closed"]);
    await api.as(messagesOff.b).settings.update.mutate({ acceptMessages: false });
    const sharedOff = await sharedCallPair(["Shared", "Closed"]);
    await api.as(sharedOff.b).settings.update.mutate({ acceptMessages: false });

    const answers = [];
    for (const [pair, kind] of [
      [blocked, "video"],
      [stranger, "video"],
      [blocked, "audio"],
      [stranger, "audio"],
      [noVoicemail, "audio"],
      [messagesOff, "video"],
      [messagesOff, "audio"],
      [sharedOff, "video"],
      [sharedOff, "audio"],
    ] as const) {
      const callId = await unansweredCall(api, pair.a, pair.b, kind);
      answers.push({
        offer: await raw(pair.a, "messages.offer", { callId }, "GET"),
        begin: await raw(pair.a, "messages.begin", { callId }, "POST"),
      });
    }
    const first = answers[0];
    expect(first?.offer).toEqual({ status: 200, body: JSON.stringify({ result: { data: { json: { kind: null } } } }) });
    expect(first?.begin.status).toBe(403);
    expect(JSON.parse(first?.begin.body ?? "{}")).toMatchObject({ error: { json: { message: MESSAGE_REFUSED_TEXT } } });
    for (const other of answers) expect(other).toEqual(first);
    // and nothing reached the callees
    expect(await api.as(blocked.b).messages.list.query({})).toEqual([]);
    expect(await api.as(stranger.b).messages.list.query({})).toEqual([]);
    expect(await api.as(messagesOff.b).messages.list.query({})).toEqual([]);
    expect(await api.as(sharedOff.b).messages.list.query({})).toEqual([]);
  });

  it("takes as long for a blocked caller as for a stranger and a caller whose callee has messages off (same queries on every refused path)", async () => {
    const blocked = await knownPair(api, ["Blocked", "Blocker"]);
    await api.as(blocked.b).blocked.add.mutate({ userId: blocked.a.id });
    const stranger = { a: await api.signUp("Stranger"), b: await api.signUp("Callee") };
    const messagesOff = await knownPair(api, ["Friend", "Closed"]);
    await api.as(messagesOff.b).settings.update.mutate({ acceptMessages: false });
    const blockedCall = await unansweredCall(api, blocked.a, blocked.b);
    const strangerCall = await unansweredCall(api, stranger.a, stranger.b);
    const offCall = await unansweredCall(api, messagesOff.a, messagesOff.b);
    const offerOf = (u: TestUser, callId: string) => () => api.as(u).messages.offer.query({ callId });
    const beginOf = (u: TestUser, callId: string) => () => api.as(u).messages.begin.mutate({ callId }).catch(() => null);
    // warm up connections and query plans
    await pairedMedians(10, offerOf(blocked.a, blockedCall), offerOf(stranger.a, strangerCall));
    await pairedMedians(10, offerOf(blocked.a, blockedCall), offerOf(messagesOff.a, offCall));
    const [blockedOffer, strangerOffer] = await pairedMedians(60, offerOf(blocked.a, blockedCall), offerOf(stranger.a, strangerCall));
    const [blockedOffer2, offOffer] = await pairedMedians(60, offerOf(blocked.a, blockedCall), offerOf(messagesOff.a, offCall));
    // 60 begins each would soon meet the begin limit; clear it (untimed, in this file's own database), so the refusal itself is timed
    const clearLimit = () => api.db.delete(throttleHits);
    const [blockedBegin, strangerBegin] = await pairedMedians(60, beginOf(blocked.a, blockedCall), beginOf(stranger.a, strangerCall), clearLimit);
    const [blockedBegin2, offBegin] = await pairedMedians(60, beginOf(blocked.a, blockedCall), beginOf(messagesOff.a, offCall), clearLimit);
    console.info(
      "offer/begin medians (ms)",
      JSON.stringify({ blockedOffer, strangerOffer, blockedOffer2, offOffer, blockedBegin, strangerBegin, blockedBegin2, offBegin }),
    );
    // the refused paths run the same queries; a skipped one would show as a steady gap
    const close = (x: number, y: number) => Math.abs(x - y) < Math.max(2, 0.3 * Math.min(x, y));
    expect(close(blockedOffer, strangerOffer)).toBe(true);
    expect(close(blockedOffer2, offOffer)).toBe(true);
    expect(close(blockedBegin, strangerBegin)).toBe(true);
    expect(close(blockedBegin2, offBegin)).toBe(true);
  });

  it("allows one message per call: begin again replaces an unfinished one, a sent one closes the offer", async () => {
    const { a, b } = await knownPair(api);
    const callId = await unansweredCall(api, a, b);
    const first = await api.as(a).messages.begin.mutate({ callId });
    const retake = await api.as(a).messages.begin.mutate({ callId });
    expect(retake.messageId).not.toBe(first.messageId);
    expect(await failure(api.as(a).messages.get.query({ messageId: first.messageId }))).toEqual({ status: 404, message: "No such message" });
    expect(await api.as(a).messages.get.query({ messageId: retake.messageId })).toMatchObject({ status: "recording", direction: "sent" });

    await deliver(services, retake.messageId);
    expect(await api.as(a).messages.offer.query({ callId })).toEqual({ kind: null });
    expect(await failure(api.as(a).messages.begin.mutate({ callId }))).toEqual({ status: 403, message: MESSAGE_REFUSED_TEXT });
  });

  it("lets the sender try again after their message failed to process; the recipient never saw the failed one", async () => {
    const { a, b } = await knownPair(api);
    const callId = await unansweredCall(api, a, b);
    const failed = await api.as(a).messages.begin.mutate({ callId });
    await uploadFinished(services, failed.messageId, { contentType: "video/webm", sizeBytes: 10, durationMs: 1000 });
    await markFailed(services, failed.messageId);
    expect(await api.as(a).messages.get.query({ messageId: failed.messageId })).toMatchObject({ status: "failed", direction: "sent" });
    expect(await api.as(b).messages.list.query({})).toEqual([]);
    expect(await api.as(a).messages.offer.query({ callId })).toEqual({ kind: "video" });
    const again = await api.as(a).messages.begin.mutate({ callId });
    expect(await failure(api.as(a).messages.get.query({ messageId: failed.messageId }))).toEqual({ status: 404, message: "No such message" });
    await deliver(services, again.messageId);
    expect((await api.as(b).messages.list.query({})).map((m) => m.id)).toEqual([again.messageId]);
  });

  it("lets the sender cancel an unfinished message, and nobody else", async () => {
    const { a, b } = await knownPair(api);
    const callId = await unansweredCall(api, a, b);
    const { messageId } = await api.as(a).messages.begin.mutate({ callId });
    expect(await failure(api.as(b).messages.cancel.mutate({ messageId }))).toEqual({ status: 404, message: "No such message" });
    expect(await api.as(a).messages.cancel.mutate({ messageId })).toEqual({ ok: true });
    expect(await failure(api.as(a).messages.get.query({ messageId }))).toEqual({ status: 404, message: "No such message" });
    // the offer is open again
    expect(await api.as(a).messages.offer.query({ callId })).toEqual({ kind: "video" });
  });
});

describe("messages.begin rate limit", () => {
  it("allows 6 begins per call (retakes included), then answers 429, while another call is still open", async () => {
    const { a, b } = await knownPair(api);
    const bEvents = await api.listen(b);
    const callId = await unansweredCall(api, a, b, "audio");
    let last = "";
    for (let i = 0; i < 6; i++) last = (await api.as(a).messages.begin.mutate({ callId })).messageId;
    expect(await failure(api.as(a).messages.begin.mutate({ callId }))).toEqual({ status: 429, message: MESSAGE_TOO_FAST_TEXT });
    // the callee heard of 6 voicemails starting, not more
    const started = [];
    for (let i = 0; i < 6; i++) started.push((await bEvents.next("voicemail-started")).payload.messageId);
    await expect(bEvents.next("voicemail-started", 500)).rejects.toThrow(/no voicemail-started/);
    expect(started.at(-1)).toBe(last);
    // the last one is still there to send or cancel
    expect(await api.as(a).messages.cancel.mutate({ messageId: last })).toEqual({ ok: true });
    const other = await unansweredCall(api, a, b, "video");
    expect((await api.as(a).messages.begin.mutate({ callId: other })).kind).toBe("video");
    bEvents.stop();
  });

  it("allows 30 begins an hour over all calls, and again once the hour has passed", async () => {
    const { a, b } = await knownPair(api);
    for (let c = 0; c < 6; c++) {
      const callId = await unansweredCall(api, a, b);
      for (let i = 0; i < 5; i++) await api.as(a).messages.begin.mutate({ callId });
    }
    const fresh = await unansweredCall(api, a, b);
    expect(await failure(api.as(a).messages.begin.mutate({ callId: fresh }))).toEqual({ status: 429, message: MESSAGE_TOO_FAST_TEXT });
    // the offer itself is not limited: it changes nothing for the callee
    expect(await api.as(a).messages.offer.query({ callId: fresh })).toEqual({ kind: "video" });
    expect(await takeBeginSlot(api.db, a.id, fresh, new Date(Date.now() + 61 * 60_000))).toBe(true);
  });

  it("counts a blocked caller, a stranger and a caller whose callee takes no messages exactly like an allowed one", async () => {
    const allowed = await knownPair(api, ["Allowed", "Open"]);
    const blocked = await knownPair(api, ["Blocked", "Blocker"]);
    await api.as(blocked.b).blocked.add.mutate({ userId: blocked.a.id });
    const stranger = { a: await api.signUp("Stranger"), b: await api.signUp("Callee") };
    const messagesOff = await knownPair(api, ["Friend", "Closed"]);
    await api.as(messagesOff.b).settings.update.mutate({ acceptMessages: false });

    const seventh = [];
    for (const pair of [allowed, blocked, stranger, messagesOff]) {
      const callId = await unansweredCall(api, pair.a, pair.b);
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await raw(pair.a, "messages.begin", { callId }, "POST")).status);
      expect(statuses).toEqual(Array(6).fill(pair === allowed ? 200 : 403));
      seventh.push(await raw(pair.a, "messages.begin", { callId }, "POST"));
    }
    expect(seventh[0]?.status).toBe(429);
    expect(JSON.parse(seventh[0]?.body ?? "{}")).toMatchObject({ error: { json: { message: MESSAGE_TOO_FAST_TEXT } } });
    for (const other of seventh) expect(other).toEqual(seventh[0]);
  });
});

describe("a delivered message", () => {
  it("reaches the recipient (event, list, history thumbnail, badge), is marked watched, and is deleted for both", async () => {
    const { a, b } = await knownPair(api);
    const bEvents = await api.listen(b);
    const callId = await unansweredCall(api, a, b);
    const { messageId } = await api.as(a).messages.begin.mutate({ callId });
    expect(await api.as(b).messages.list.query({})).toEqual([]);
    // the missed call only
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 1 });

    await withTempFile(Buffer.from("not really a video"), (file) =>
      deliver(services, messageId, { transcript: "hello bo call me back about the boat", durationMs: 5200, file }),
    );
    expect(await api.media.storage.stat(`messages/${messageId}/message.webm`)).toEqual({ size: 18 });
    const received = await bEvents.next("message-received");
    const view = received.payload.message as Record<string, unknown>;
    expect(view).toMatchObject({ id: messageId, callId, kind: "video", direction: "received", status: "ready", seen: false, durationMs: 5200 });
    expect(view.other).toEqual({ id: a.id, displayName: a.displayName, handle: a.handle });
    expect(view.mediaUrl).toBe(`/api/media/messages/${messageId}`);
    expect(view.posterUrl).toBe(`/api/media/messages/${messageId}/poster`);

    expect((await api.as(b).messages.list.query({})).map((m) => m.id)).toEqual([messageId]);
    expect((await api.as(a).messages.list.query({})).map((m) => [m.id, m.direction])).toEqual([[messageId, "sent"]]);
    expect(await api.as(b).messages.get.query({ messageId })).toMatchObject({ transcript: "hello bo call me back about the boat" });
    const transcript = await api.as(b).messages.transcript.query({ messageId });
    expect(transcript.status).toBe("ready");
    expect(transcript.segments[0]?.words.map((w) => w.text).slice(0, 3)).toEqual(["hello", "bo", "call"]);

    const history = (await api.as(b).calls.history.query({})).items;
    expect(history.find((c) => c.id === callId)?.message).toEqual({
      id: messageId,
      kind: "video",
      durationMs: 5200,
      posterUrl: `/api/media/messages/${messageId}/poster`,
      waveform: null,
      seen: false,
    });
    expect((await api.as(a).calls.history.query({})).items.find((c) => c.id === callId)?.message?.id).toBe(messageId);
    // missed call + unwatched message
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 2 });

    // only the recipient marks it watched; their other tabs hear of it
    expect(await failure(api.as(a).messages.markSeen.mutate({ messageId }))).toMatchObject({ status: 403 });
    await api.as(b).messages.markSeen.mutate({ messageId });
    expect((await bEvents.next("message-changed")).payload).toEqual({ messageId, change: "seen" });
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 1 });
    expect((await api.as(a).messages.get.query({ messageId })).seen).toBe(true);

    const aEvents = await api.listen(a);
    await api.as(b).messages.delete.mutate({ messageId });
    expect((await bEvents.next("message-changed")).payload).toEqual({ messageId, change: "deleted" });
    expect((await aEvents.next("message-changed")).payload).toEqual({ messageId, change: "deleted" });
    for (const who of [a, b]) {
      expect(await failure(api.as(who).messages.get.query({ messageId }))).toEqual({ status: 404, message: "No such message" });
      expect(await api.as(who).messages.list.query({})).toEqual([]);
    }
    expect((await api.as(b).calls.history.query({})).items.find((c) => c.id === callId)?.message).toBeNull();
    // and its file is gone from storage
    expect(await api.media.storage.stat(`messages/${messageId}/message.webm`)).toBeNull();
    aEvents.stop();
    bEvents.stop();
  });

  it("is not found by anyone else, on every procedure, exactly like an id that does not exist", async () => {
    const { a, b } = await knownPair(api);
    const callId = await unansweredCall(api, a, b);
    const { messageId } = await api.as(a).messages.begin.mutate({ callId });
    await deliver(services, messageId, { transcript: "secret words" });
    const outsider = await api.signUp("Eve");
    const missing = randomUUID();
    const me = api.as(outsider);
    const attempts = (id: string) => [
      me.messages.get.query({ messageId: id }),
      me.messages.transcript.query({ messageId: id }),
      me.messages.markSeen.mutate({ messageId: id }),
      me.messages.delete.mutate({ messageId: id }),
      me.messages.live.query({ messageId: id }),
      me.messages.pickUp.mutate({ messageId: id }),
      me.messages.cancel.mutate({ messageId: id }),
    ];
    const theirs = await Promise.all(attempts(messageId).map(failure));
    const nobodys = await Promise.all(attempts(missing).map(failure));
    expect(theirs).toEqual(nobodys);
    for (const f of theirs) expect(f).toEqual({ status: 404, message: "No such message" });
    // and it is still there for its two people
    expect((await api.as(b).messages.get.query({ messageId })).id).toBe(messageId);
  });

  it("lets the recipient see only messages to them: not the sender's messages to other people", async () => {
    const { a, b } = await knownPair(api);
    const c = await api.signUp("Cy");
    await api.as(c).contacts.add.mutate({ userId: a.id });
    const toB = await api.as(a).messages.begin.mutate({ callId: await unansweredCall(api, a, b) });
    const toC = await api.as(a).messages.begin.mutate({ callId: await unansweredCall(api, a, c) });
    await deliver(services, toB.messageId, { transcript: "pizza tonight for bo" });
    await deliver(services, toC.messageId, { transcript: "pizza tonight for cy" });

    expect((await api.as(b).messages.list.query({})).map((m) => m.id)).toEqual([toB.messageId]);
    expect((await api.as(b).messages.list.query({ withUserId: a.id })).map((m) => m.id)).toEqual([toB.messageId]);
    expect(await failure(api.as(b).messages.get.query({ messageId: toC.messageId }))).toEqual({ status: 404, message: "No such message" });
    expect(await failure(api.as(b).messages.transcript.query({ messageId: toC.messageId }))).toEqual({ status: 404, message: "No such message" });
    expect((await api.as(a).messages.list.query({})).map((m) => m.id).sort()).toEqual([toB.messageId, toC.messageId].sort());
    expect((await api.as(a).messages.list.query({ withUserId: c.id })).map((m) => m.id)).toEqual([toC.messageId]);
    expect(await api.as(a).messages.list.query({ kind: "voicemail" })).toEqual([]);
  });

  it("search finds words in the transcripts of my own messages only, with a snippet, best match first", async () => {
    const { a, b } = await knownPair(api);
    const c = await api.signUp("Cy");
    await api.as(c).contacts.add.mutate({ userId: a.id });
    const first = await api.as(a).messages.begin.mutate({ callId: await unansweredCall(api, a, b) });
    await deliver(services, first.messageId, { transcript: "the blue boat is ready at the harbour, bring the boat keys" });
    const second = await api.as(a).messages.begin.mutate({ callId: await unansweredCall(api, a, b) });
    await deliver(services, second.messageId, { transcript: "dinner is at eight, and the boat is fine" });
    const toC = await api.as(a).messages.begin.mutate({ callId: await unansweredCall(api, a, c) });
    await deliver(services, toC.messageId, { transcript: "the boat for cy" });

    const hits = await api.as(b).messages.search.query({ q: "boats" });
    expect(hits.map((h) => h.message.id)).toEqual([first.messageId, second.messageId]);
    expect(hits[0]?.snippet).toContain("«boat»");
    expect(hits[0]?.message).toMatchObject({ direction: "received", other: { id: a.id } });
    expect((await api.as(b).messages.search.query({ q: "harbour keys" })).map((h) => h.message.id)).toEqual([first.messageId]);
    expect((await api.as(b).messages.search.query({ q: "\"blue boat\"" })).map((h) => h.message.id)).toEqual([first.messageId]);
    expect(await api.as(b).messages.search.query({ q: "cy" })).toEqual([]);
    expect(await api.as(b).messages.search.query({ q: "the" })).toEqual([]);
    // the sender finds their sent ones; an outsider finds nothing
    expect((await api.as(a).messages.search.query({ q: "boat" })).length).toBe(3);
    expect(await api.as((await api.signUp("Eve"))).messages.search.query({ q: "boat" })).toEqual([]);
  });

  it("disappears from the recipient's lists, search, history and badge once they block the sender", async () => {
    const { a, b } = await knownPair(api);
    const callId = await unansweredCall(api, a, b);
    const { messageId } = await api.as(a).messages.begin.mutate({ callId });
    await deliver(services, messageId, { transcript: "remember the tickets" });
    await api.as(b).calls.markSeen.mutate();
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 1 });

    await api.as(b).blocked.add.mutate({ userId: a.id });
    expect(await api.as(b).messages.list.query({})).toEqual([]);
    expect(await api.as(b).messages.search.query({ q: "tickets" })).toEqual([]);
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 0 });
    expect(await failure(api.as(b).messages.get.query({ messageId }))).toEqual({ status: 404, message: "No such message" });
    // the sender still has it, and learns nothing
    expect((await api.as(a).messages.get.query({ messageId })).status).toBe("ready");

    await api.as(b).blocked.remove.mutate({ userId: a.id });
    expect((await api.as(b).messages.list.query({})).map((m) => m.id)).toEqual([messageId]);
  });

  it("is never announced to a recipient who blocked the sender while it was being made", async () => {
    const { a, b } = await knownPair(api);
    const bEvents = await api.listen(b);
    const callId = await unansweredCall(api, a, b);
    const { messageId } = await api.as(a).messages.begin.mutate({ callId });
    await api.as(b).blocked.add.mutate({ userId: a.id });
    await deliver(services, messageId);
    await expect(bEvents.next("message-received", 500)).rejects.toThrow(/no message-received/);
    expect(await api.as(b).messages.list.query({})).toEqual([]);
    bEvents.stop();
  });

  // Blocking while a message is made cuts it off for good: an unblock afterwards must not deliver it.
  it.each([
    ["blocked until it was ready", "video", "ready"],
    ["blocked only while its upload finished", "video", "upload"],
    ["blocked only while its live words arrived", "audio", "live"],
    ["blocked and unblocked at once, before anything else happened", "video", "immediately"],
  ] as const)("stays invisible to a recipient who blocked the sender while it was made (%s), even after unblocking", async (_what, callKind, unblockAfter) => {
    const { a, b } = await knownPair(api);
    await api.as(b).calls.markSeen.mutate();
    const bEvents = await api.listen(b);
    const callId = await unansweredCall(api, a, b, callKind);
    await api.as(b).calls.markSeen.mutate();
    const { messageId } = await api.as(a).messages.begin.mutate({ callId });
    await api.as(b).blocked.add.mutate({ userId: a.id });

    const deliverIt = () => withTempFile(Buffer.from("not really a video"), (file) => deliver(services, messageId, { transcript: "the code is four four two", file }));
    if (unblockAfter === "immediately") {
      await api.as(b).blocked.remove.mutate({ userId: a.id });
      await deliverIt();
    } else if (unblockAfter === "live") {
      await receiveLiveSegments(services, { messageId, segments: [{ id: 0, text: "the code is four four two", final: true, startMs: 0, endMs: 900 }] });
      await api.as(b).blocked.remove.mutate({ userId: a.id });
      await deliverIt();
    } else if (unblockAfter === "upload") {
      await uploadFinished(services, messageId, { contentType: "video/webm", sizeBytes: 1234, durationMs: 5000 });
      await api.as(b).blocked.remove.mutate({ userId: a.id });
      await deliverIt();
    } else {
      await deliverIt();
      await api.as(b).blocked.remove.mutate({ userId: a.id });
    }

    // the recipient: nothing anywhere, exactly like a message that does not exist
    await expect(bEvents.next("message-received", 500)).rejects.toThrow(/no message-received/);
    expect(await api.as(b).messages.list.query({})).toEqual([]);
    expect(await api.as(b).messages.list.query({ withUserId: a.id })).toEqual([]);
    expect(await api.as(b).messages.search.query({ q: "code" })).toEqual([]);
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 0 });
    expect((await api.as(b).calls.history.query({})).items.find((c) => c.id === callId)?.message ?? null).toBeNull();
    const missing = await failure(api.as(b).messages.get.query({ messageId: randomUUID() }));
    expect(await failure(api.as(b).messages.get.query({ messageId }))).toEqual(missing);
    expect(await failure(api.as(b).messages.transcript.query({ messageId }))).toEqual(missing);
    expect(await failure(api.as(b).messages.live.query({ messageId }))).toEqual(missing);
    expect(await failure(api.as(b).messages.markSeen.mutate({ messageId }))).toEqual(missing);
    for (const path of [`/api/media/messages/${messageId}`, `/api/media/messages/${messageId}/poster`]) {
      const res = await fetch(`${api.baseUrl}${path}`, { headers: { cookie: b.cookie } });
      expect(res.status).toBe(404);
    }
    // the sender notices nothing: their copy is ready and plays
    expect(await api.as(a).messages.get.query({ messageId })).toMatchObject({ status: "ready", direction: "sent" });
    expect((await api.as(a).messages.list.query({})).map((m) => m.id)).toEqual([messageId]);
    expect((await fetch(`${api.baseUrl}/api/media/messages/${messageId}`, { headers: { cookie: a.cookie } })).status).toBe(200);
    // and the next message, left while nobody blocks anybody, arrives as usual
    const next = await api.as(a).messages.begin.mutate({ callId: await unansweredCall(api, a, b, callKind) });
    await deliver(services, next.messageId);
    expect((await bEvents.next("message-received")).payload.message).toMatchObject({ id: next.messageId });
    expect((await api.as(b).messages.list.query({})).map((m) => m.id)).toEqual([next.messageId]);
    bEvents.stop();
  });

  it("pages through messages made in the same millisecond without skipping or repeating one", async () => {
    const { a, b } = await knownPair(api);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { messageId } = await api.as(a).messages.begin.mutate({ callId: await unansweredCall(api, a, b) });
      await deliver(services, messageId);
      ids.push(messageId);
    }
    // five at the very same instant, one just before, one just after
    const same = new Date("2026-11-26T12:00:00.123Z");
    for (const id of ids.slice(0, 5)) await updateMessage(api.db, id, { createdAt: same });
    await updateMessage(api.db, ids[5] ?? "", { createdAt: new Date(same.getTime() - 1) });
    await updateMessage(api.db, ids[6] ?? "", { createdAt: new Date(same.getTime() + 1) });
    const expected = [ids[6], ...ids.slice(0, 5).sort().reverse(), ids[5]];

    for (const who of [a, b]) {
      const seen: string[] = [];
      let before: { createdAt: string; id: string } | undefined;
      for (let page = 0; page < 10; page++) {
        const rows = await api.as(who).messages.list.query({ limit: 2, before });
        if (rows.length === 0) break;
        seen.push(...rows.map((m) => m.id));
        const last = rows.at(-1);
        if (!last) break;
        before = { createdAt: new Date(last.createdAt).toISOString(), id: last.id };
      }
      expect(seen).toEqual(expected);
    }
    expect(await failure(api.as(b).messages.list.query({ before: { createdAt: same.toISOString(), id: "nope" } }))).toEqual({ status: 400, message: "Not a valid cursor" });
    // the old cursor (a bare timestamp) is refused, not read as "from the start"
    expect((await failure(api.as(b).messages.list.query({ before: same.toISOString() as never }))).status).toBe(400);
  });
});
