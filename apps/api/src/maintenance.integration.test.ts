import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missedSeenEvent } from "@ringback/core/events";
import { publishEvents } from "@ringback/db/queries/events";
import { pruneBefore, recentSignInFailures, recordSignInFailure } from "@ringback/db/queries/maintenance";
import { startTestApi, type TestApi } from "./testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe("pruneBefore", () => {
  it("deletes only events and sign-in failures older than their cut-offs", async () => {
    const u = await api.signUp("Pruned");
    const [old] = await publishEvents(api.db, [{ userId: u.id, event: missedSeenEvent() }]);
    const cutoff = new Date(Date.now() + 1000);
    await new Promise((r) => setTimeout(r, 1100));
    const [fresh] = await publishEvents(api.db, [{ userId: u.id, event: missedSeenEvent() }]);
    await recordSignInFailure(api.db, u.email, new Date(Date.now() - 2 * 86_400_000));
    await recordSignInFailure(api.db, u.email, new Date());

    const removed = await pruneBefore(api.db, { events: cutoff, signInFailures: new Date(Date.now() - 86_400_000) });
    expect(removed.events).toBeGreaterThanOrEqual(1);
    expect(removed.signInFailures).toBe(1);
    expect(await recentSignInFailures(api.db, u.email, new Date(0))).toBe(1);
    // the newer event is still there for a reconnecting client
    const rows = await api.db.query.events.findMany({ where: (e, { eq }) => eq(e.userId, u.id) });
    expect(rows.map((r) => r.seq.toString())).toEqual([fresh?.id]);
    expect(old?.id).not.toBe(fresh?.id);
  });
});
