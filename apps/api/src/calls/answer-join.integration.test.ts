import { TokenVerifier } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startTestApi, type TestApi } from "../testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe("calls.answer with join", () => {
  it("hands the callee a grant for this call's room with the answer, as calls.join would", async () => {
    const a = await api.signUp("Alice");
    const b = await api.signUp("Bob");
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });

    const answered = await api.as(b).calls.answer.mutate({ callId: call.id, kind: "video", join: true });
    expect(answered.status).toBe("active");
    if (!("join" in answered) || !answered.join) throw new Error("no grant with the answer");
    expect(answered.join.roomName).toBe(`call_${call.id}`);
    const grants = await new TokenVerifier(api.livekit.apiKey, api.livekit.apiSecret).verify(answered.join.token);
    expect(grants.sub).toBe(b.id);
    expect(grants.video).toMatchObject({ room: `call_${call.id}`, roomJoin: true, canPublish: true, canSubscribe: true });
    expect(grants.video?.roomAdmin).toBeFalsy();

    // the same room calls.join gives for a rejoin
    expect((await api.as(b).calls.join.mutate({ callId: call.id })).roomName).toBe(answered.join.roomName);
  });

  it("gives no grant without asking, and none for a call that cannot be answered", async () => {
    const a = await api.signUp("Alice");
    const b = await api.signUp("Bob");
    const c = await api.signUp("Cyd");
    const plain = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "audio" });
    expect("join" in (await api.as(b).calls.answer.mutate({ callId: plain.id, kind: "audio" }))).toBe(false);
    await api.as(a).calls.leave.mutate({ callId: plain.id });

    const declined = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    await api.as(b).calls.decline.mutate({ callId: declined.id });
    expect(await failure(api.as(b).calls.answer.mutate({ callId: declined.id, kind: "video", join: true }))).toEqual({
      status: 409,
      message: "This call has ended",
    });

    // someone the call never rang gets neither an answer nor a token
    const ringing = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    expect((await failure(api.as(c).calls.answer.mutate({ callId: ringing.id, kind: "video", join: true }))).status).toBe(404);
  });
});
