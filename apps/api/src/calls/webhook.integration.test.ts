import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../testing/harness";
import { signLikeLivekit } from "../testing/webhook-signer";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function post(body: string, auth: string | null) {
  const res = await fetch(`${api.baseUrl}/livekit/webhook`, {
    method: "POST",
    headers: { "content-type": "application/webhook+json", ...(auth ? { authorization: auth } : {}) },
    body,
  });
  return { status: res.status, body: await res.text() };
}

function event(kind: string, roomName: string, identity?: string, disconnectReason?: string) {
  return JSON.stringify({
    event: kind,
    id: `EV_${Math.random().toString(36).slice(2)}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { name: roomName, sid: "RM_test" },
    ...(identity ? { participant: { identity, sid: `PA_${identity.slice(0, 6)}`, ...(disconnectReason ? { disconnectReason } : {}) } } : {}),
  });
}

describe("LiveKit webhooks", () => {
  it("rejects forged, unsigned and tampered deliveries with 401 and changes nothing", async () => {
    const a = await api.signUp("Hook");
    const b = await api.signUp("Line");
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    await api.as(b).calls.answer.mutate({ callId: call.id, kind: "video" });
    const finished = event("room_finished", `call_${call.id}`);

    expect((await post(finished, null)).status).toBe(401);
    expect((await post(finished, await signLikeLivekit(finished, api.livekit.apiKey, "x".repeat(40)))).status).toBe(401);
    const signedOther = await signLikeLivekit(event("room_started", `call_${call.id}`), api.livekit.apiKey, api.livekit.apiSecret);
    expect((await post(finished, signedOther)).status).toBe(401);
    expect((await api.as(a).calls.get.query({ callId: call.id })).status).toBe("active");
  });

  it("records joins and leaves, and ends the call when the room finishes", async () => {
    const a = await api.signUp("Join");
    const b = await api.signUp("Leave");
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    await api.as(b).calls.answer.mutate({ callId: call.id, kind: "video" });
    const room = `call_${call.id}`;
    const sign = (body: string) => signLikeLivekit(body, api.livekit.apiKey, api.livekit.apiSecret);

    for (const who of [a.id, b.id]) {
      const body = event("participant_joined", room, who);
      expect((await post(body, await sign(body))).status).toBe(200);
    }
    const joined = await api.as(a).calls.get.query({ callId: call.id });
    expect(joined.participants.every((p) => p.inCall)).toBe(true);

    const finished = event("room_finished", room);
    expect((await post(finished, await sign(finished))).status).toBe(200);
    const ended = await api.as(b).calls.get.query({ callId: call.id });
    expect(ended.status).toBe("ended");
    expect(ended.durationSeconds).not.toBeNull();
    // a repeated delivery is harmless
    expect((await post(finished, await sign(finished))).status).toBe(200);
  });

  it("keeps the call when a session leaves only because the same person joined again", async () => {
    const a = await api.signUp("Tabs");
    const b = await api.signUp("Reload");
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    await api.as(b).calls.answer.mutate({ callId: call.id, kind: "video" });
    const room = `call_${call.id}`;
    const sign = (body: string) => signLikeLivekit(body, api.livekit.apiKey, api.livekit.apiSecret);
    for (const reason of ["DUPLICATE_IDENTITY", "MIGRATION"]) {
      const replaced = event("participant_left", room, b.id, reason);
      expect((await post(replaced, await sign(replaced))).status).toBe(200);
      expect((await api.as(a).calls.get.query({ callId: call.id })).status).toBe("active");
    }
    const gone = event("participant_left", room, b.id, "CLIENT_INITIATED");
    expect((await post(gone, await sign(gone))).status).toBe(200);
    expect((await api.as(a).calls.get.query({ callId: call.id })).status).toBe("ended");
  });

  it("answers 400 to a signed but malformed body and 405 to GET", async () => {
    const junk = "{not json";
    expect((await post(junk, await signLikeLivekit(junk, api.livekit.apiKey, api.livekit.apiSecret))).status).toBe(400);
    expect((await fetch(`${api.baseUrl}/livekit/webhook`)).status).toBe(405);
  });

  it("answers a 300 KB delivery with 413 (not a reset connection) and processes nothing of it", async () => {
    const a = await api.signUp("Bulk");
    const b = await api.signUp("Payload");
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    await api.as(b).calls.answer.mutate({ callId: call.id, kind: "video" });
    // correctly signed, so only the size can be the reason to refuse it
    const finished = event("room_finished", `call_${call.id}`);
    const huge = `${finished.slice(0, -1)}, "padding": "${"x".repeat(300 * 1024)}"}`;
    const auth = await signLikeLivekit(huge, api.livekit.apiKey, api.livekit.apiSecret);

    // raw HTTP: a reset connection must show up as an error here, not as a missing status
    const res = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const req = request(`${api.baseUrl}/livekit/webhook`, {
        method: "POST",
        headers: { "content-type": "application/webhook+json", authorization: auth, "content-length": Buffer.byteLength(huge) },
      });
      req.on("response", (r) => {
        let body = "";
        r.on("data", (c: Buffer) => (body += c.toString()));
        r.on("end", () => resolve({ status: r.statusCode, body }));
      });
      req.on("error", reject);
      req.end(huge);
    });
    expect(res).toEqual({ status: 413, body: JSON.stringify({ error: "Webhook body too large" }) });
    expect((await api.as(a).calls.get.query({ callId: call.id })).status).toBe("active");
    // the same delivery at a normal size is processed
    expect((await post(finished, await signLikeLivekit(finished, api.livekit.apiKey, api.livekit.apiSecret))).status).toBe(200);
    expect((await api.as(a).calls.get.query({ callId: call.id })).status).toBe("ended");
  });
});
