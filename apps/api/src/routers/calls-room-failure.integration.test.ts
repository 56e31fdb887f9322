// Review finding F6: calls.start rings before LiveKit creates the room; when the creation fails the
// call must end for everyone and the caller must get a 503 with words. The error formatter
// (trpc.ts) treats every 5xx that is not the database as "unexpected" and replaces the deliberate
// "Calls can't connect right now…" with "Something went wrong. Reference: …".
// This file has its own process (vitest isolates files), so breaking its LiveKit secret affects nobody else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startTestApi, type TestApi } from "../testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  // LiveKit refuses this API's server calls from now on (the room service client is made at first use)
  api.livekit.apiSecret = "not-the-secret-not-the-secret-not-the-secret";
});
afterAll(() => api.close());

type View = { id: string; status: string };
const viewOf = (e: { payload: Record<string, unknown> }) => e.payload.call as View;

describe("calls.start when LiveKit cannot create the room", () => {
  it("answers 503 in its own words, not the generic 'Something went wrong'", async () => {
    const a = await api.signUp("Alice");
    const b = await api.signUp("Bob");
    const refused = await failure(api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" }));
    expect(refused).toEqual({ status: 503, message: "Calls can't connect right now. Try again in a moment." });
  });

  it("ends the ring it sent for everyone, and the caller can call again", async () => {
    const a = await api.signUp("Carol");
    const b = await api.signUp("Dan");
    const bEvents = await api.listen(b);
    const refused = await failure(api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" }));
    expect(refused.status).toBe(503);
    // the callee's phone rang (the ring goes out first) and then stopped: no ring left dangling
    const rung = viewOf(await bEvents.next("incoming-call"));
    const over = viewOf(await bEvents.next("call-updated"));
    expect(over.id).toBe(rung.id);
    expect(over.status).not.toBe("ringing");
    expect(await api.as(b).calls.ringing.query()).toEqual([]);
    // no "You're already calling" left behind
    const again = await failure(api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "audio" }));
    expect(again.status).toBe(503);
  });
});
