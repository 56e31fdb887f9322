import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./testing/harness";
import { UNREADABLE_INPUT_MESSAGE } from "./trpc";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** Raw HTTP, the way a broken or hostile client would talk to the API. */
async function raw(path: string, init: RequestInit & { cookie?: string } = {}) {
  const res = await fetch(`${api.baseUrl}${path}`, {
    ...init,
    headers: { "content-type": "application/json", ...(init.cookie ? { cookie: init.cookie } : {}), ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, text };
}

describe("malformed requests get a precise 4xx, never a 500", () => {
  it("answers broken JSON with 400", async () => {
    const u = await api.signUp("Broken");
    const res = await raw("/api/trpc/contacts.add", { method: "POST", body: "{not json", cookie: u.cookie });
    expect(res.status).toBe(400);
  });

  it("answers input no parser can read with one plain sentence, never the parser's words quoting it", async () => {
    const u = await api.signUp("Unreadable");
    const long = "x".repeat(5000);
    const cases = [
      // superjson told to revive a BigInt from text that is none (BigInt() throws with the text in its message)
      raw("/api/trpc/contacts.add", { method: "POST", body: JSON.stringify({ json: long, meta: { values: ["bigint"] } }), cookie: u.cookie }),
      raw(`/api/trpc/messages.live?input=${encodeURIComponent(JSON.stringify({ json: long, meta: { values: ["bigint"] } }))}`, { cookie: u.cookie }),
      raw("/api/trpc/contacts.add", { method: "POST", body: `{not json ${long}`, cookie: u.cookie }),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status).toBe(400);
      const message = (JSON.parse(res.text) as { error: { json: { message: string } } }).error.json.message;
      expect(message).toBe(UNREADABLE_INPUT_MESSAGE);
      expect(res.text).not.toContain("xxxxxxxx");
    }
  });

  it("answers an unknown procedure with 404 and an unknown path with 404", async () => {
    expect((await raw("/api/trpc/contacts.explode", { method: "POST", body: "{}" })).status).toBe(404);
    expect((await raw("/nothing-here")).status).toBe(404);
  });

  it("answers a query sent as a mutation (and the reverse) with 405", async () => {
    const u = await api.signUp("Method");
    expect((await raw("/api/trpc/contacts.list", { method: "POST", body: "{}", cookie: u.cookie })).status).toBe(405);
    expect((await raw("/api/trpc/contacts.add?input=%7B%7D", { method: "GET", cookie: u.cookie })).status).toBe(405);
  });

  it("answers an oversized body with 413 without storing anything", async () => {
    const u = await api.signUp("Huge");
    const body = JSON.stringify({ json: { displayName: "x".repeat(1024 * 1024) } });
    const res = await raw("/api/trpc/settings.update", { method: "POST", body, cookie: u.cookie });
    expect(res.status).toBe(413);
    expect((await api.as(u).settings.get.query()).displayName).toBe(u.displayName);
  });

  it("refuses a batch of more than 20 calls with a 4xx", async () => {
    const u = await api.signUp("Batch");
    const paths = Array.from({ length: 21 }, () => "contacts.list").join(",");
    const res = await raw(`/api/trpc/${paths}?batch=1&input=%7B%7D`, { cookie: u.cookie });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const ok = await raw(`/api/trpc/${Array.from({ length: 20 }, () => "contacts.list").join(",")}?batch=1&input=%7B%7D`, { cookie: u.cookie });
    expect(ok.status).toBe(200);
  });

  it("answers a missing input with 400 naming what is wrong", async () => {
    const u = await api.signUp("Empty");
    const res = await raw("/api/trpc/contacts.add", { method: "POST", body: "{}", cookie: u.cookie });
    expect(res.status).toBe(400);
    expect(res.text).toContain("expected object");
  });
});

describe("connections the web server's proxy keeps for reuse", () => {
  it("stay open longer than the proxy's own 5 s idle time, so a reused socket is never closed under a request", async () => {
    // one socket, like the proxy's keep-alive agent: a request, 6 s of quiet, then another on it
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const get = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${api.baseUrl}/healthz`, { agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("socket", (s) => sockets.add(s));
        req.on("error", reject);
        req.end();
      });
    try {
      expect(await get()).toBe(200);
      await new Promise((r) => setTimeout(r, 6_000));
      expect(await get()).toBe(200);
      // the same socket served both: the server had not closed it while it sat idle
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  }, 15_000);
});
