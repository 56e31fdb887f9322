import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../testing/harness";

let first: TestApi;
let second: TestApi;
beforeAll(async () => {
  first = await startTestApi();
  // a second API process over the same database, as behind a load balancer
  second = await startTestApi({ databaseUrl: first.databaseUrl });
});
afterAll(async () => {
  await second.close();
  await first.close();
});

describe("several API processes", () => {
  it("deliver a ring started on one process to a callee connected to the other, and the answer back", async () => {
    const a = await first.signUp("Left");
    const b = await first.signUp("Right");
    const bOnSecond = await second.listen(b);
    const aOnFirst = await first.listen(a);

    const call = await first.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    const ring = await bOnSecond.next("incoming-call");
    expect((ring.payload.call as { id: string }).id).toBe(call.id);

    await second.as(b).calls.answer.mutate({ callId: call.id, kind: "video" });
    const update = await aOnFirst.next("call-updated");
    expect((update.payload.call as { status: string }).status).toBe("active");
    bOnSecond.stop();
    aOnFirst.stop();
  });

  it("let only one process expire a ring when both sweep at once", async () => {
    const a = await first.signUp("Sweep");
    const b = await first.signUp("Swept");
    const bEvents = await second.listen(b);
    await first.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "audio" });
    await bEvents.next("incoming-call");
    const at = new Date(Date.now() + 31_000);
    const [x, y] = await Promise.all([first.sweepAt(at), second.sweepAt(at)]);
    expect(x + y).toBe(1);
    await bEvents.next("call-updated");
    await new Promise((r) => setTimeout(r, 200));
    // exactly one update: the other process neither re-expired nor re-announced it
    expect(bEvents.events.filter((e) => e.type === "call-updated")).toHaveLength(1);
    bEvents.stop();
  });
});
