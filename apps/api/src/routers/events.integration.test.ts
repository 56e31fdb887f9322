import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishEvents } from "@ringback/db/queries/events";
import { eventCounters, events } from "@ringback/db/schema";
import { startTestApi, type TestApi, type TestUser } from "../testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

type Received = { id: string; type: string; payload: Record<string, unknown> };

/** Subscribes as `user` and collects events until `count` arrived. */
function collect(user: TestUser, count: number, lastEventId?: string) {
  const received: Received[] = [];
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const done = new Promise<Received[]>((resolve, reject) => {
    const sub = api.as(user).events.subscribe.subscribe(
      { lastEventId: lastEventId ?? null },
      {
        onStarted: () => started(),
        onData: (e) => {
          received.push({ id: e.id, type: e.data.type, payload: e.data.payload });
          if (received.length >= count) {
            sub.unsubscribe();
            resolve(received);
          }
        },
        onError: reject,
      },
    );
  });
  return { ready, done };
}

describe("events.subscribe", () => {
  it("delivers a person's events live, and only theirs", async () => {
    const a = await api.signUp("Listener");
    const b = await api.signUp("Bystander");
    const sub = collect(a, 2);
    await sub.ready;
    await new Promise((r) => setTimeout(r, 100));
    await publishEvents(api.db, [
      { userId: b.id, type: "ping", payload: { n: 0 } },
      { userId: a.id, type: "ping", payload: { n: 1 } },
      { userId: a.id, type: "ping", payload: { n: 2 } },
    ]);
    const got = await sub.done;
    expect(got.map((e) => e.payload.n)).toEqual([1, 2]);
  });

  it("resumes after the last event id without losing or repeating one", async () => {
    const a = await api.signUp("Resumer");
    const [first, second, third] = await publishEvents(api.db, [
      { userId: a.id, type: "ping", payload: { n: 1 } },
      { userId: a.id, type: "ping", payload: { n: 2 } },
      { userId: a.id, type: "ping", payload: { n: 3 } },
    ]);
    expect(third).toBeDefined();
    const sub = collect(a, 3, first?.id);
    await sub.ready;
    await new Promise((r) => setTimeout(r, 100));
    await publishEvents(api.db, [{ userId: a.id, type: "ping", payload: { n: 4 } }]);
    const got = await sub.done;
    expect(got.map((e) => e.payload.n)).toEqual([2, 3, 4]);
    expect(got[0]?.id).toBe(second?.id);
  });

  it("refuses anonymous subscribers and malformed ids", async () => {
    const a = await api.signUp("Malformed");
    expect(await firstOutcome(api.anonymous, { lastEventId: null })).toBe("Please sign in");
    expect(await firstOutcome(api.as(a), { lastEventId: "abc" })).not.toBe("data");
  });
});

function firstOutcome(client: TestApi["anonymous"], input: { lastEventId: string | null }) {
  return new Promise<string>((resolve) => {
      const sub = client.events.subscribe.subscribe(
        input,
        { onData: () => resolve("data"), onError: (err) => resolve(err.message) },
      );
      setTimeout(() => {
        sub.unsubscribe();
        resolve("timeout");
      }, 5000);
  });
}

describe("events.subscribe under concurrency and outages", () => {
  it("never skips an event whose transaction commits after a later one", async () => {
    const a = await api.signUp("Ordered");
    const sub = collect(a, 2);
    await sub.ready;
    await new Promise((r) => setTimeout(r, 100));
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    // the first transaction publishes, then stays open; the second publishes and wants to commit first
    const first = api.db.transaction(async (tx) => {
      await publishEvents(tx, [{ userId: a.id, type: "ping", payload: { n: 1 } }]);
      await firstHolds;
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = publishEvents(api.db, [{ userId: a.id, type: "ping", payload: { n: 2 } }]);
    await new Promise((r) => setTimeout(r, 200));
    releaseFirst();
    await Promise.all([first, second]);
    const got = await sub.done;
    expect(got.map((e) => e.payload.n)).toEqual([1, 2]);
    expect(BigInt(got[1]?.id ?? 0)).toBeGreaterThan(BigInt(got[0]?.id ?? 0));
  });

  it("replays a backlog longer than one page in full", async () => {
    const a = await api.signUp("Away");
    const [start] = await publishEvents(api.db, [{ userId: a.id, type: "ping", payload: { n: 0 } }]);
    const many = Array.from({ length: 650 }, (_, i) => ({ userId: a.id, type: "ping", payload: { n: i + 1 } }));
    await publishEvents(api.db, many);
    const got = await collect(a, 650, start?.id).done;
    expect(got.map((e) => e.payload.n)).toEqual(many.map((e) => e.payload.n));
  });

  it("recovers events whose NOTIFY was lost (the listening connection dropped)", async () => {
    const a = await api.signUp("Outage");
    const sub = collect(a, 1);
    await sub.ready;
    await new Promise((r) => setTimeout(r, 100));
    // stored but never announced, as when NOTIFY fires while the LISTEN connection is down
    const other = await api.signUp("Onlooker");
    const bystander = collect(other, 1);
    await bystander.ready;
    await api.db.insert(eventCounters).values({ userId: a.id, lastSeq: 1n });
    await api.db.insert(events).values({ userId: a.id, seq: 1n, type: "ping", payload: { n: "silent" } });
    api.bus.resyncAll();
    expect((await sub.done).map((e) => e.payload.n)).toEqual(["silent"]);
    // other streams survive a resync and keep delivering
    await publishEvents(api.db, [{ userId: other.id, type: "ping", payload: { n: "after" } }]);
    expect((await bystander.done).map((e) => e.payload.n)).toEqual(["after"]);
  });
});
