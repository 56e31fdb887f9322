import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/*
 * Where a click on a notification goes (public/sw-push.js, `notificationclick`). Chromium here cannot
 * click a notification for a test (DevTools has no such command), so the worker's script runs in a
 * FAKE service-worker scope: fake clients, a fake fetch standing in for the API's calls.get. What
 * the worker does with real push events is covered in a real Chromium by e2e/push-worker.spec.ts.
 */

const source = readFileSync(fileURLToPath(new URL("../../public/sw-push.js", import.meta.url)), "utf8");
const ORIGIN = "https://ringback.example";
const CALL = "6f9619ff-8b86-4d11-b42d-00c04fc964ff";

type FakeWindow = { url: string; focused: boolean; visibilityState: string; controlled: boolean };

function fakeWorker(opts: { windows?: FakeWindow[]; callsGet?: () => Promise<Response> }) {
  const listeners = new Map<string, (event: unknown) => void>();
  const opened: string[] = [];
  const focused: string[] = [];
  const navigated: string[] = [];
  const fetched: string[] = [];
  const windows = (opts.windows ?? []).map((w) => ({
    ...w,
    focus: async () => {
      focused.push(w.url);
      return w;
    },
    navigate: async (url: string) => {
      if (!w.controlled) throw new TypeError("not controlled");
      navigated.push(url);
      return { focus: async () => focused.push(url) };
    },
  }));
  const self = {
    location: { origin: ORIGIN },
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, listener),
    registration: { showNotification: async () => {}, getNotifications: async () => [] },
    clients: {
      matchAll: async () => windows,
      openWindow: async (url: string) => {
        opened.push(url);
        return null;
      },
    },
  };
  const fetch = async (url: string) => {
    fetched.push(url);
    return opts.callsGet ? opts.callsGet() : new Response("{}", { status: 500 });
  };
  new Function("self", "fetch", source)(self, fetch);
  return {
    opened,
    focused,
    navigated,
    fetched,
    async click(data: object) {
      let done: Promise<unknown> = Promise.resolve();
      let closed = false;
      listeners.get("notificationclick")?.({
        notification: { data, close: () => (closed = true) },
        waitUntil: (p: Promise<unknown>) => (done = p),
      });
      await done;
      expect(closed).toBe(true);
    },
  };
}

const callAnswer = (myRing: string) => async () =>
  new Response(JSON.stringify({ result: { data: { json: { id: CALL, myRing, status: "ringing" } } } }), { status: 200 });
const ring = { kind: "ring", url: `/call/${CALL}`, callId: CALL };

describe("sw-push.js notificationclick (fake worker scope)", () => {
  it("opens the incoming call while it still rings for me, asking calls.get with this browser's session", async () => {
    const worker = fakeWorker({ callsGet: callAnswer("ringing") });
    await worker.click(ring);
    expect(worker.opened).toEqual([`${ORIGIN}/call/${CALL}`]);
    const asked = new URL(worker.fetched[0] ?? "", ORIGIN);
    expect(asked.pathname).toBe("/api/trpc/calls.get");
    expect(JSON.parse(asked.searchParams.get("input") ?? "")).toEqual({ json: { callId: CALL } });
  });

  it("opens Calls when the ring is over, or the call is not mine to see", async () => {
    for (const callsGet of [callAnswer("timeout"), callAnswer("answered"), async () => new Response("{}", { status: 404 })]) {
      const worker = fakeWorker({ callsGet });
      await worker.click(ring);
      expect(worker.opened).toEqual([`${ORIGIN}/calls`]);
    }
  });

  it("leaves it to the call page when the API can't tell (offline, 500)", async () => {
    for (const callsGet of [async () => Promise.reject(new TypeError("offline")), async () => new Response("{}", { status: 500 })]) {
      const worker = fakeWorker({ callsGet });
      await worker.click(ring);
      expect(worker.opened).toEqual([`${ORIGIN}/call/${CALL}`]);
    }
  });

  it("uses an open Ringback window: focuses the one already there, navigates one this worker controls", async () => {
    const here = fakeWorker({
      windows: [{ url: `${ORIGIN}/messages/m1`, focused: false, visibilityState: "hidden", controlled: true }],
    });
    await here.click({ kind: "message", url: "/messages/m1", messageId: "m1" });
    expect(here.focused).toEqual([`${ORIGIN}/messages/m1`]);
    expect(here.opened).toEqual([]);

    const elsewhere = fakeWorker({ windows: [{ url: `${ORIGIN}/contacts`, focused: false, visibilityState: "hidden", controlled: true }] });
    await elsewhere.click({ kind: "missed", url: "/calls", callId: CALL });
    expect(elsewhere.navigated).toEqual([`${ORIGIN}/calls`]);
    expect(elsewhere.opened).toEqual([]);

    const uncontrolled = fakeWorker({ windows: [{ url: `${ORIGIN}/contacts`, focused: false, visibilityState: "hidden", controlled: false }] });
    await uncontrolled.click({ kind: "missed", url: "/calls", callId: CALL });
    expect(uncontrolled.opened).toEqual([`${ORIGIN}/calls`]);
  });

  it("never opens a URL off the site that a payload names", async () => {
    const worker = fakeWorker({});
    await worker.click({ kind: "message", url: "https://evil.example/x" });
    await worker.click({ kind: "message", url: "//evil.example/x" });
    expect(worker.opened).toEqual([`${ORIGIN}/calls`, `${ORIGIN}/calls`]);
  });
});
