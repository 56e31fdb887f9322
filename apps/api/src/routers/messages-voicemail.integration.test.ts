import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { TokenVerifier } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRooms } from "../livekit/rooms";
import { createLogger } from "../logger";
import { beginMessage } from "../messages/leave";
import { mintLiveToken } from "../messages/live-token";
import { sweepAbandoned, uploadFinished } from "../messages/service";
import { deliver, knownPair, servicesOf, unansweredCall } from "../messages/test-kit";
import { handleTranscriptCallback } from "../messages/transcript-route";
import { createHttpTranscriber } from "../transcriber/http-transcriber";
import { failure, startTestApi, TEST_AUTH_SECRET, type TestApi } from "../testing/harness";
import { signLikeLivekit } from "../testing/webhook-signer";
import type { Services } from "../trpc";

let api: TestApi;
let services: Services;
// the transcript callback route on a server of its own, exactly as the API mounts it
let callbackServer: Server;
let callbackUrl: string;

beforeAll(async () => {
  api = await startTestApi();
  services = servicesOf(api);
  callbackServer = createServer((req, res) => void handleTranscriptCallback(services, req, res));
  await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve));
  callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/internal/transcripts`;
});
afterAll(async () => {
  await new Promise((resolve) => callbackServer.close(resolve));
  await api.close();
});

const later = (ms: number) => new Date(Date.now() + ms);

/** A voicemail from a to b being left right now, with both people's event streams. */
async function voicemail() {
  const { a, b } = await knownPair(api);
  const aEvents = await api.listen(a);
  const bEvents = await api.listen(b);
  const callId = await unansweredCall(api, a, b, "audio");
  expect(await api.as(a).messages.offer.query({ callId })).toEqual({ kind: "voicemail" });
  const begun = await api.as(a).messages.begin.mutate({ callId });
  return { a, b, aEvents, bEvents, callId, begun, messageId: begun.messageId };
}

async function postCallback(body: unknown, token: string | null, raw?: string) {
  const res = await fetch(callbackUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

const seg = (id: number, text: string, final = false) => ({ id, text, final, startMs: id * 2000, endMs: id * 2000 + 1500 });

async function postWebhook(kind: string, roomName: string, identity?: string) {
  const body = JSON.stringify({
    event: kind,
    id: `EV_${Math.random().toString(36).slice(2)}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { name: roomName, sid: "RM_vm" },
    ...(identity ? { participant: { identity, sid: `PA_${identity.slice(0, 8)}` } } : {}),
  });
  const res = await fetch(`${api.baseUrl}/livekit/webhook`, {
    method: "POST",
    headers: { "content-type": "application/webhook+json", authorization: await signLikeLivekit(body, api.livekit.apiKey, api.livekit.apiSecret) },
    body,
  });
  return res.status;
}

describe("Live Voicemail", () => {
  it("opens a room of its own, gives the caller a microphone-only token and tells the recipient it started", async () => {
    const { a, bEvents, callId, begun, messageId, aEvents } = await voicemail();
    expect(begun.kind).toBe("voicemail");
    expect(begun.voicemail?.roomName).toBe(`vm-${messageId}`);
    expect(begun.voicemail?.livekitUrl).toBe(api.livekit.url);

    const [room] = await listRooms(api.livekit, [`vm-${messageId}`]);
    expect(room).toMatchObject({ name: `vm-${messageId}`, maxParticipants: 4 });

    const grants = await new TokenVerifier(api.livekit.apiKey, api.livekit.apiSecret).verify(begun.voicemail?.token ?? "");
    expect(grants.sub).toBe(`voicemail-${a.id}`);
    expect(grants.video).toMatchObject({ room: `vm-${messageId}`, roomJoin: true, canPublish: true, canSubscribe: false, canPublishData: false });
    expect(grants.video?.canPublishSources).toEqual(["microphone"]);
    expect(grants.video?.roomAdmin).toBeFalsy();

    const started = await bEvents.next("voicemail-started");
    expect(started.payload).toMatchObject({ messageId, callId, from: { id: a.id, displayName: a.displayName, handle: a.handle } });
    aEvents.stop();
    bEvents.stop();
  });

  it("sends the transcriber's words to the recipient as they come, for a tab opened mid-way too", async () => {
    const { a, b, bEvents, aEvents, messageId } = await voicemail();
    const token = mintLiveToken(TEST_AUTH_SECRET, messageId);

    expect(await postCallback({ messageId, segments: [seg(0, "hi bo it's")] }, token)).toEqual({ status: 200, body: '{"ok":true}' });
    expect((await bEvents.next("voicemail-transcript")).payload).toEqual({ messageId, segments: [seg(0, "hi bo it's")] });
    await postCallback({ messageId, segments: [seg(0, "hi bo it's ann", true), seg(1, "call me")] }, token);
    expect((await bEvents.next("voicemail-transcript")).payload).toEqual({ messageId, segments: [seg(0, "hi bo it's ann", true), seg(1, "call me")] });
    // a late partial of a final segment changes nothing and is not sent
    await postCallback({ messageId, segments: [seg(0, "hi bo")] }, token);

    const live = await api.as(b).messages.live.query({ messageId });
    expect(live).toEqual({ active: true, from: { id: a.id, displayName: a.displayName, handle: a.handle }, segments: [seg(0, "hi bo it's ann", true), seg(1, "call me")] });
    expect((await api.as(a).messages.live.query({ messageId })).active).toBe(true);
    // the caller's own stream carries none of it
    expect(aEvents.events.map((e) => e.type)).not.toContain("voicemail-transcript");

    // the room emptied (ended) while the upload may still finish: nothing visible changes yet
    expect((await postCallback({ messageId, segments: [], ended: true }, token)).status).toBe(200);
    expect((await api.as(b).messages.live.query({ messageId })).active).toBe(true);

    // the caller's upload completes: the voicemail is sent, the room closes, later words are ignored
    await uploadFinished(services, messageId, { contentType: "audio/webm;codecs=opus", sizeBytes: 2000, durationMs: 4000 });
    expect((await bEvents.next("voicemail-ended")).payload).toEqual({ messageId, reason: "sent" });
    expect((await api.as(b).messages.live.query({ messageId })).active).toBe(false);
    expect(await listRooms(api.livekit, [`vm-${messageId}`])).toEqual([]);
    const eventsBefore = bEvents.events.length;
    expect((await postCallback({ messageId, segments: [seg(2, "too late", true)] }, token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(bEvents.events.length).toBe(eventsBefore);

    // once ready, it is a message like any other (the better model's transcript replaces the live one)
    await deliver(services, messageId, { transcript: "hi bo it's ann call me" });
    expect((await bEvents.next("message-received")).payload).toMatchObject({ message: { id: messageId, kind: "voicemail" } });
    aEvents.stop();
    bEvents.stop();
  });

  it("refuses callbacks that are not the worker's: forged or another message's token 401, unknown message 404, junk 400, too big 413", async () => {
    const { b, bEvents, aEvents, messageId } = await voicemail();
    const body = { messageId, segments: [seg(0, "forged words", true)] };
    const other = randomUUID();
    expect((await postCallback(body, null)).status).toBe(401);
    expect((await postCallback(body, "not-a-token")).status).toBe(401);
    expect((await postCallback(body, mintLiveToken(TEST_AUTH_SECRET, other))).status).toBe(401);
    expect((await postCallback(body, mintLiveToken("another-secret-another-secret-012345", messageId))).status).toBe(401);
    expect((await postCallback({ messageId: other, segments: [] }, mintLiveToken(TEST_AUTH_SECRET, other))).status).toBe(404);
    const token = mintLiveToken(TEST_AUTH_SECRET, messageId);
    expect((await postCallback(null, token, "{not json")).status).toBe(400);
    expect((await postCallback({ messageId, segments: [{ id: -1, text: 5 }] }, token)).status).toBe(400);
    const huge = { messageId, segments: Array.from({ length: 400 }, (_, i) => seg(i, "x".repeat(200))) };
    expect((await postCallback(huge, token)).status).toBe(413);
    expect((await fetch(callbackUrl)).status).toBe(405);

    await new Promise((r) => setTimeout(r, 200));
    // the ring and its timeout came before; since the voicemail started, nothing
    const types = bEvents.events.map((e) => e.type);
    expect(types.slice(types.indexOf("voicemail-started"))).toEqual(["voicemail-started"]);
    expect((await api.as(b).messages.live.query({ messageId })).segments).toEqual([]);
    aEvents.stop();
    bEvents.stop();
  });

  it("stops sending words to a recipient who blocks the caller mid-voicemail, and it is gone for them", async () => {
    const { a, b, aEvents, bEvents, messageId } = await voicemail();
    await api.as(b).blocked.add.mutate({ userId: a.id });
    expect((await postCallback({ messageId, segments: [seg(0, "are you there", true)] }, mintLiveToken(TEST_AUTH_SECRET, messageId))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(bEvents.events.map((e) => e.type)).not.toContain("voicemail-transcript");
    expect(await failure(api.as(b).messages.live.query({ messageId }))).toEqual({ status: 404, message: "No such message" });
    expect(await failure(api.as(b).messages.pickUp.mutate({ messageId }))).toEqual({ status: 404, message: "No such message" });
    // the caller notices nothing
    expect((await api.as(a).messages.live.query({ messageId })).segments).toEqual([seg(0, "are you there", true)]);
    aEvents.stop();
    bEvents.stop();
  });

  it("turns into a live call when the recipient picks up: same room, no ring, both can join, the voicemail is gone", async () => {
    const { a, b, aEvents, bEvents, messageId } = await voicemail();
    const roomName = `vm-${messageId}`;
    // LiveKit tells us the caller's voicemail session joined: no call has that room yet, so it is ignored
    expect(await postWebhook("participant_joined", roomName, `voicemail-${a.id}`)).toBe(200);

    // the caller cannot pick up their own voicemail, nobody else can either
    expect(await failure(api.as(a).messages.pickUp.mutate({ messageId }))).toEqual({ status: 404, message: "No such message" });
    const { call } = await api.as(b).messages.pickUp.mutate({ messageId });
    expect(call).toMatchObject({ kind: "audio", status: "active", direction: "incoming", outcome: "active", myRing: "answered" });

    const pickedUp = await aEvents.next("voicemail-picked-up");
    expect(pickedUp.payload).toMatchObject({ messageId, call: { id: call.id, status: "active", direction: "outgoing" } });
    expect((await bEvents.next("voicemail-ended")).payload).toEqual({ messageId, reason: "picked-up" });
    // both got the call itself, as for any change of a call (announced with the pick-up, in the same transaction)
    for (const stream of [aEvents, bEvents]) {
      const updates = stream.events.filter((e) => e.type === "call-updated").map((e) => e.payload.call as { id: string; status: string });
      expect(updates.find((c) => c.id === call.id)?.status).toBe("active");
    }
    // no ring: the only incoming-call the recipient ever got was the original, unanswered one
    const rings = bEvents.events.filter((e) => e.type === "incoming-call").map((e) => (e.payload.call as { id: string }).id);
    expect(rings).not.toContain(call.id);

    for (const who of [a, b]) {
      const join = await api.as(who).calls.join.mutate({ callId: call.id });
      expect(join.roomName).toBe(roomName);
      const grants = await new TokenVerifier(api.livekit.apiKey, api.livekit.apiSecret).verify(join.token);
      expect(grants.sub).toBe(who.id);
      expect(grants.video).toMatchObject({ room: roomName, canSubscribe: true, canPublish: true });
    }
    // the room lives on as the call's
    expect((await listRooms(api.livekit, [roomName])).map((r) => r.name)).toEqual([roomName]);
    // the unfinished voicemail is gone for both; picking up again finds nothing
    expect(await failure(api.as(a).messages.get.query({ messageId }))).toEqual({ status: 404, message: "No such message" });
    expect(await failure(api.as(b).messages.pickUp.mutate({ messageId }))).toEqual({ status: 404, message: "No such message" });

    // LiveKit's webhooks move it like any call: both join; the caller's voicemail session leaving ends nothing
    expect(await postWebhook("participant_joined", roomName, a.id)).toBe(200);
    expect(await postWebhook("participant_joined", roomName, b.id)).toBe(200);
    expect(await postWebhook("participant_left", roomName, `voicemail-${a.id}`)).toBe(200);
    expect(await postWebhook("participant_left", roomName, "transcriber")).toBe(200);
    const during = await api.as(a).calls.get.query({ callId: call.id });
    expect(during.status).toBe("active");
    expect(during.participants.every((p) => p.inCall)).toBe(true);
    expect(await postWebhook("participant_left", roomName, b.id)).toBe(200);
    const ended = await api.as(a).calls.get.query({ callId: call.id });
    expect(ended).toMatchObject({ status: "ended", outcome: "answered" });
    expect((await api.as(b).calls.history.query({})).items.find((c) => c.id === call.id)).toMatchObject({ outcome: "answered", message: null });
    aEvents.stop();
    bEvents.stop();
  });

  it("cannot be picked up once it was sent", async () => {
    const { b, aEvents, bEvents, messageId } = await voicemail();
    await uploadFinished(services, messageId, { contentType: "audio/webm", sizeBytes: 2000, durationMs: 3000 });
    expect(await failure(api.as(b).messages.pickUp.mutate({ messageId }))).toEqual({ status: 409, message: "This voicemail has ended" });
    aEvents.stop();
    bEvents.stop();
  });

  it("tells the recipient when the caller cancels, and when a voicemail is abandoned and swept", async () => {
    const first = await voicemail();
    await api.as(first.a).messages.cancel.mutate({ messageId: first.messageId });
    expect((await first.bEvents.next("voicemail-ended")).payload).toEqual({ messageId: first.messageId, reason: "abandoned" });
    expect(await listRooms(api.livekit, [`vm-${first.messageId}`])).toEqual([]);

    const second = await voicemail();
    // a few minutes are not enough to give up on it; more than the voicemail limit is
    expect(await sweepAbandoned(services, later(3 * 60_000))).toBe(0);
    expect(await sweepAbandoned(services, later(9 * 60_000))).toBeGreaterThanOrEqual(1);
    expect((await second.bEvents.next("voicemail-ended")).payload).toEqual({ messageId: second.messageId, reason: "abandoned" });
    expect(await failure(api.as(second.a).messages.get.query({ messageId: second.messageId }))).toEqual({ status: 404, message: "No such message" });
    for (const v of [first, second]) {
      v.aEvents.stop();
      v.bEvents.stop();
    }
  });

  it("begins without live words when the transcriber cannot be reached", async () => {
    const { a, b } = await knownPair(api);
    const bEvents = await api.listen(b);
    const callId = await unansweredCall(api, a, b, "audio");
    // nothing listens on port 9 here
    const unreachable = { ...services, transcriber: createHttpTranscriber({ liveUrl: "http://127.0.0.1:9", fileUrl: null, fileApiKey: null, fileModel: "base", timeoutMs: 1000 }) };
    const lines: string[] = [];
    const log = createLogger("warn", { write: (line: string) => void lines.push(line) });
    const begun = await beginMessage(unreachable, a.id, callId, log);
    expect(begun.voicemail?.roomName).toBe(`vm-${begun.messageId}`);
    expect((await bEvents.next("voicemail-started")).payload).toMatchObject({ messageId: begun.messageId });
    expect(lines.join("\n")).toContain("the live transcriber could not join");
    bEvents.stop();
  });
});
