import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { openRawEventStream } from "@ringback/api/testing/raw-event-stream";
import { signUpViaApi, uniqueUser, type TestUser } from "./helpers";

/*
 * The realtime stream as an outside client sees it through the web app's origin (Next proxies
 * /api/trpc to the API): a plain EventSource, no browser page.
 */

const ORIGIN = process.env.E2E_BASE_URL ?? "http://localhost:3100";

/** Signs `user` in through next-auth's credentials endpoint and returns a request context holding the session. */
async function signedIn(user: TestUser): Promise<{ api: APIRequestContext; cookie: string; id: string }> {
  const api = await playwrightRequest.newContext({ baseURL: ORIGIN });
  await signUpViaApi(api, user);
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await api.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: user.email, password: user.password, json: "true" },
    maxRedirects: 0,
  });
  expect(res.status(), await res.text()).toBeLessThan(400);
  const cookies = (await api.storageState()).cookies.filter((c) => c.name.includes("next-auth.session-token"));
  expect(cookies, "a session cookie after signing in").not.toHaveLength(0);
  const me = (await (await api.get("/api/trpc/me.get")).json()) as { result: { data: { json: { id: string } } } };
  return { api, cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "), id: me.result.data.json.id };
}

test("an idle event stream through the web origin stays open past a proxy's 30 s without reconnecting, and a ring after 40 s quiet arrives at once", async () => {
  test.setTimeout(120_000);
  const callee = await signedIn(uniqueUser("Idle"));
  const caller = await signedIn(uniqueUser("Ringer"));
  const stream = openRawEventStream(ORIGIN, callee.cookie);
  try {
    await stream.opened();
    const openedAt = Date.now();

    // no events for 40 s: longer than the 30 s a proxy waits on a silent response
    await new Promise((r) => setTimeout(r, 40_000));
    const sentAt = Date.now();
    const start = await caller.api.post("/api/trpc/calls.start", { data: { json: { calleeIds: [callee.id], kind: "audio" } } });
    expect(start.status(), await start.text()).toBe(200);
    const ring = (await stream.until((got) => got.some((e) => e.type === "incoming-call"))).find((e) => e.type === "incoming-call");
    const sinceSent = (ring?.receivedAt ?? Infinity) - sentAt;
    const sinceStored = (ring?.receivedAt ?? Infinity) - (ring?.storedAt ?? 0);
    const latency = `${sinceStored} ms after it was stored, ${sinceSent} ms after calls.start was sent`;
    test.info().annotations.push({ type: "ring latency", description: latency });
    console.log(`ring after 40 s quiet arrived ${latency}`);
    // not held in a buffer on the way (a buffering proxy holds it until kilobytes more or the end):
    // tens of ms here; the bounds are loose because this is a check of delivery, not a benchmark
    expect(sinceStored).toBeLessThan(1000);
    // and end to end, far from the ~3 s a browser waits before it reconnects a cut stream
    expect(sinceSent).toBeLessThan(2000);

    // and quiet again for a while
    await new Promise((r) => setTimeout(r, Math.max(0, openedAt + 50_000 - Date.now())));
    expect(stream.connections(), "the stream was never re-opened").toBe(1);
    // keep-alives reach the client through the proxy (one every 10 s): it never went quiet for a
    // proxy's 30 s (20 s leaves room for a late timer on a busy machine)
    expect(stream.pings()).toBeGreaterThanOrEqual(3);
    expect(stream.longestQuiet()).toBeLessThan(20_000);
  } finally {
    stream.close();
    await caller.api.dispose();
    await callee.api.dispose();
  }
});

test("through the web origin, which gzips scripts, a browser's event stream is not compressed and a ring arrives at once", async ({ page }) => {
  // Next compresses what it serves (next.config compress); an SSE response carries
  // `Cache-Control: no-transform`, so the compression middleware must leave it alone: gzip would hold
  // each event in its buffer. Chromium offers gzip, br and zstd on every request, as people's do.
  const callee = await signedIn(uniqueUser("Unzipped"));
  const caller = await signedIn(uniqueUser("Zipper"));
  try {
    await page.context().addCookies((await callee.api.storageState()).cookies);
    const script = page.waitForResponse((r) => r.request().resourceType() === "script" && r.url().includes("/_next/static/"));
    await page.goto("/calls");
    expect(await (await script).headerValue("content-encoding"), "scripts are compressed").toBe("gzip");

    const input = encodeURIComponent(JSON.stringify({ json: { lastEventId: null } }));
    const streamResponse = page.waitForResponse((r) => r.url().includes("/api/trpc/events.subscribe") && r.request().resourceType() === "eventsource");
    await page.evaluate((url) => {
      const w = window as unknown as { __got: { body: string; at: number }[]; __stream: EventSource };
      w.__got = [];
      w.__stream = new EventSource(url);
      w.__stream.addEventListener("message", (m) => w.__got.push({ body: m.data as string, at: Date.now() }));
    }, `/api/trpc/events.subscribe?input=${input}`);
    const stream = await streamResponse;
    expect(await stream.request().headerValue("accept-encoding")).toMatch(/gzip/);
    expect(await stream.headerValue("content-type")).toMatch(/^text\/event-stream/);
    expect(await stream.headerValue("content-encoding"), "the event stream is sent as it is").toBeNull();
    // the subscription is running once the server's `connected` event has come through
    await page.waitForFunction(() => (window as unknown as { __stream: EventSource }).__stream.readyState === EventSource.OPEN);

    const start = await caller.api.post("/api/trpc/calls.start", { data: { json: { calleeIds: [callee.id], kind: "audio" } } });
    expect(start.status(), await start.text()).toBe(200);
    const ring = await page.waitForFunction(() => {
      for (const { body, at } of (window as unknown as { __got: { body: string; at: number }[] }).__got) {
        const event = (JSON.parse(body) as { json: { type: string; createdAt: string } }).json;
        if (event.type === "incoming-call") return { at, storedAt: Date.parse(event.createdAt) };
      }
      return null;
    }, undefined, { timeout: 5_000 });
    const { at, storedAt } = (await ring.jsonValue()) as { at: number; storedAt: number };
    console.log(`ring reached the browser ${at - storedAt} ms after it was stored`);
    // gzip would hold it in its buffer (until kilobytes more arrive): tens of ms when sent as it is
    expect(at - storedAt).toBeLessThan(1000);
  } finally {
    await caller.api.dispose();
    await callee.api.dispose();
  }
});

test("an event stream without a session gets HTTP 401 through the web origin, before any stream starts", async () => {
  const api = await playwrightRequest.newContext({ baseURL: ORIGIN });
  const input = encodeURIComponent(JSON.stringify({ json: { lastEventId: null } }));
  const res = await api.get(`/api/trpc/events.subscribe?input=${input}`, { headers: { accept: "text/event-stream" } });
  expect(res.status()).toBe(401);
  expect(await res.json()).toMatchObject({ error: { message: "Please sign in" } });
  await api.dispose();
});
