import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missedSeenEvent } from "@ringback/core/events";
import { publishEvents } from "@ringback/db/queries/events";
import { eventCounters, events } from "@ringback/db/schema";
import { startTestApi, type TestApi, type TestUser } from "../testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

type Received = { id: string; type: string };
// a new person's own event numbers start at 1, so the ids alone say which events arrived
const forUser = (userId: string, n = 1) => Array.from({ length: n }, () => ({ userId, event: missedSeenEvent() }));

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
          received.push({ id: e.id, type: e.data.type });
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
    await publishEvents(api.db, [...forUser(b.id), ...forUser(a.id, 2)]);
    const got = await sub.done;
    expect(got).toEqual([
      { id: "1", type: "missed-seen" },
      { id: "2", type: "missed-seen" },
    ]);
  });

  it("resumes after the last event id without losing or repeating one", async () => {
    const a = await api.signUp("Resumer");
    const [first, second, third] = await publishEvents(api.db, forUser(a.id, 3));
    expect([first?.id, second?.id, third?.id]).toEqual(["1", "2", "3"]);
    const sub = collect(a, 3, first?.id);
    await sub.ready;
    await new Promise((r) => setTimeout(r, 100));
    await publishEvents(api.db, forUser(a.id));
    const got = await sub.done;
    expect(got.map((e) => e.id)).toEqual(["2", "3", "4"]);
  });

  it("refuses anonymous subscribers and malformed ids", async () => {
    const a = await api.signUp("Malformed");
    // the server answers HTTP 401 before any stream starts; the tRPC client reports the status
    expect(await firstOutcome(api.anonymous, { lastEventId: null })).toMatch(/401/);
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
      await publishEvents(tx, forUser(a.id));
      await firstHolds;
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = publishEvents(api.db, forUser(a.id));
    await new Promise((r) => setTimeout(r, 200));
    releaseFirst();
    await Promise.all([first, second]);
    const got = await sub.done;
    expect(got.map((e) => e.id)).toEqual(["1", "2"]);
  });

  it("replays a backlog longer than one page in full", async () => {
    const a = await api.signUp("Away");
    const [start] = await publishEvents(api.db, forUser(a.id));
    await publishEvents(api.db, forUser(a.id, 650));
    const got = await collect(a, 650, start?.id).done;
    expect(got.map((e) => e.id)).toEqual(Array.from({ length: 650 }, (_, i) => String(i + 2)));
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
    await api.db.insert(events).values({ userId: a.id, seq: 1n, type: "missed-seen", payload: {} });
    api.bus.resyncAll();
    expect(await sub.done).toEqual([{ id: "1", type: "missed-seen" }]);
    // other streams survive a resync and keep delivering
    await publishEvents(api.db, forUser(other.id));
    expect(await bystander.done).toEqual([{ id: "1", type: "missed-seen" }]);
  });
});

describe("events.subscribe ids", () => {
  it("treats a lastEventId beyond the newest (e.g. from the old global counter) as 'from now', not as 'skip until then'", async () => {
    const a = await api.signUp("Stale");
    await publishEvents(api.db, forUser(a.id, 2));
    const sub = collect(a, 1, "900000");
    await sub.ready;
    await new Promise((r) => setTimeout(r, 100));
    await publishEvents(api.db, forUser(a.id));
    expect(await sub.done).toEqual([{ id: "3", type: "missed-seen" }]);
  });

  it("fills a hole in the live feed from the table (a notification that never came)", async () => {
    const a = await api.signUp("Holey");
    const sub = collect(a, 2);
    await sub.ready;
    await new Promise((r) => setTimeout(r, 100));
    // event 1 is stored without a NOTIFY; event 2 is announced normally
    await api.db.insert(eventCounters).values({ userId: a.id, lastSeq: 1n });
    await api.db.insert(events).values({ userId: a.id, seq: 1n, type: "missed-seen", payload: {} });
    await publishEvents(api.db, forUser(a.id));
    expect(await sub.done).toEqual([
      { id: "1", type: "missed-seen" },
      { id: "2", type: "missed-seen" },
    ]);
  });

  it("skips a stored event that is not in the event union and keeps delivering", async () => {
    const a = await api.signUp("Unknown");
    await api.db.insert(eventCounters).values({ userId: a.id, lastSeq: 1n });
    await api.db.insert(events).values({ userId: a.id, seq: 1n, type: "from-the-future", payload: { x: 1 } });
    const sub = collect(a, 1, "0");
    await sub.ready;
    await new Promise((r) => setTimeout(r, 100));
    await publishEvents(api.db, forUser(a.id));
    expect(await sub.done).toEqual([{ id: "2", type: "missed-seen" }]);
  });
});

describe("events.subscribe without a session", () => {
  const url = () => `${api.baseUrl}/api/trpc/events.subscribe?input=${encodeURIComponent(JSON.stringify({ json: { lastEventId: null } }))}`;

  it("answers a plain SSE request with HTTP 401 before any stream starts", async () => {
    const res = await fetch(url(), { headers: { accept: "text/event-stream" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: { message: "Please sign in", code: "UNAUTHORIZED" } });
  });

  it("answers 401 for an expired or forged session cookie too", async () => {
    const a = await api.signUp("Expired");
    for (const cookie of [await api.cookieFor(a.id, -60), "next-auth.session-token=not-a-token"]) {
      const res = await fetch(url(), { headers: { accept: "text/event-stream", cookie } });
      expect(res.status).toBe(401);
      await res.body?.cancel();
    }
  });

  it("still streams for a signed-in person", async () => {
    const a = await api.signUp("Streams");
    const res = await fetch(url(), { headers: { accept: "text/event-stream", cookie: a.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await res.body?.cancel();
  });
});
