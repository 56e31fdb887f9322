import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missedSeenEvent } from "@ringback/core/events";
import { publishEvents } from "@ringback/db/queries/events";
import { pruneBefore } from "@ringback/db/queries/maintenance";
import { createSession } from "@ringback/db/queries/sessions";
import { takeThrottle } from "@ringback/db/queries/throttle";
import { startTestApi, type TestApi } from "./testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe("pruneBefore", () => {
  it("deletes only events, throttle hits and sessions older than their cut-offs", async () => {
    const u = await api.signUp("Pruned");
    const [old] = await publishEvents(api.db, [{ userId: u.id, event: missedSeenEvent() }]);
    const cutoff = new Date(Date.now() + 1000);
    await new Promise((r) => setTimeout(r, 1100));
    const [fresh] = await publishEvents(api.db, [{ userId: u.id, event: missedSeenEvent() }]);
    const slot = [{ bucket: "test", key: u.id, since: new Date(0) }];
    await takeThrottle(api.db, slot, new Date(Date.now() - 2 * 86_400_000), () => true);
    await takeThrottle(api.db, slot, new Date(), () => true);
    const expired = await createSession(api.db, u.id, new Date(Date.now() - 1000));

    const removed = await pruneBefore(api.db, { events: cutoff, throttleHits: new Date(Date.now() - 86_400_000), sessions: new Date() });
    expect(removed.events).toBeGreaterThanOrEqual(1);
    expect(removed.throttleHits).toBe(1);
    expect(removed.sessions).toBeGreaterThanOrEqual(1);
    expect((await takeThrottle(api.db, slot, new Date(), () => false)).states[0]?.count).toBe(1);
    expect(await api.db.query.sessions.findFirst({ where: (s, { eq }) => eq(s.id, expired.id) })).toBeUndefined();
    // the live session of the harness' cookie is kept
    expect((await api.as(u).me.get.query()).id).toBe(u.id);
    // the newer event is still there for a reconnecting client
    const rows = await api.db.query.events.findMany({ where: (e, { eq }) => eq(e.userId, u.id) });
    expect(rows.map((r) => r.seq.toString())).toEqual([fresh?.id]);
    expect(old?.id).not.toBe(fresh?.id);
  });
});
