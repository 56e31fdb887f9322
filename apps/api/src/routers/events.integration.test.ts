import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishEvents } from "@ringback/db/queries/events";
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
