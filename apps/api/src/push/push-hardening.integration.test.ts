// Push hardening from the issue 9 security review (/tmp/rb9/review/security.md #2-#5): input that once
// answered 500, subscriptions outliving their session, IPv4-in-IPv6 address classes, and a push service
// that answers byte by byte holding up everyone's pushes.
import { randomInt } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { failure, startTestApi, type TestApi } from "../testing/harness";
import { isPublicAddress } from "./endpoint-guard";
import { browserKeys, startPushEndpoint, testPushConfig, type PushEndpoint } from "./push-test-kit";
import { sendPush, TransientPushError } from "./send";

const config = testPushConfig();
let api: TestApi;
let strict: TestApi;
let service: PushEndpoint;
beforeAll(async () => {
  service = await startPushEndpoint();
  api = await startTestApi({ push: config });
  // its own database: a process with the strict guard sharing the queue would take (and refuse) the http test pushes
  strict = await startTestApi({ push: { ...config, allowPrivateEndpoints: false } });
});
afterAll(async () => {
  await strict.close();
  await api.close();
  await service.close();
});

/** Random CJK characters: 3 UTF-8 bytes each, and nothing pglz can compress. */
function randomCjk(n: number): string {
  let s = "";
  for (let i = 0; i < n; i += 1) s += String.fromCodePoint(0x4e00 + randomInt(0x5000));
  return s;
}

describe("push.subscribe input that Postgres could not store", () => {
  it("answers 400, not 500, for an endpoint whose UTF-8 is too large for the unique index", async () => {
    const bo = await strict.signUp("Bo");
    // 2,000 characters pass the length check, but are ~6 KB of UTF-8 (the btree limit is ~2.7 KB)
    const endpoint = `https://8.8.8.8/${randomCjk(2000)}`;
    const res = await failure(strict.as(bo).push.subscribe.mutate({ endpoint, keys: browserKeys().keys }));
    expect(res.status).toBe(400);
  });

  it("answers 400, not 500, for an endpoint with a NUL character (Postgres text cannot hold it)", async () => {
    const bo = await strict.signUp("Bo");
    const res = await failure(strict.as(bo).push.subscribe.mutate({ endpoint: "https://8.8.8.8/a\u0000b", keys: browserKeys().keys }));
    expect(res.status).toBe(400);
  });

  it("stores the normalised endpoint, and refuses one whose normalised form is too long for the index", async () => {
    const bo = await strict.signUp("Bo");
    // printable ASCII that the URL parser percent-encodes: 1,020 characters sent, 3,036 to store
    const grown = `https://8.8.8.8/${'"'.repeat(1020)}`;
    expect(await failure(strict.as(bo).push.subscribe.mutate({ endpoint: grown, keys: browserKeys().keys }))).toEqual({
      status: 400,
      message: "That push endpoint is too long",
    });
    const { id } = await strict.as(bo).push.subscribe.mutate({ endpoint: "HTTPS://8.8.8.8:443/a/./b<c>", keys: browserKeys().keys });
    const sql = strict.db.$client;
    const [row] = await sql<{ endpoint: string }[]>`select endpoint from push_subscriptions where id = ${id}`;
    expect(row?.endpoint).toBe("https://8.8.8.8/a/b%3Cc%3E");
  });
});

describe("a subscription lives only as long as its session", () => {
  it("sends nothing to a device whose session has expired (not only once maintenance prunes it)", async () => {
    const ana = await api.signUp("Ana");
    const bo = await api.signUp("Bo");
    // Bo's phone: a session of its own, which then runs out (30 days unused)
    const phoneCookie = await api.cookieFor(bo.id);
    const phoneEndpoint = service.newEndpoint();
    const phone = await api.clientFor(phoneCookie).push.subscribe.mutate({ endpoint: phoneEndpoint, keys: browserKeys().keys });
    // Bo's laptop, signed in: the control that pushes are flowing at all
    const laptopEndpoint = service.newEndpoint();
    await api.as(bo).push.subscribe.mutate({ endpoint: laptopEndpoint, keys: browserKeys().keys });

    const sql = api.db.$client;
    await sql`update sessions set expires_at = now() - interval '1 minute' where id = (select session_id from push_subscriptions where id = ${phone.id})`;
    // the phone's cookie no longer works anywhere in the API
    expect((await failure(api.clientFor(phoneCookie).push.list.query())).status).toBe(401);

    await api.as(ana).calls.start.mutate({ calleeIds: [bo.id], kind: "video" });
    await service.waitFor(laptopEndpoint, 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(service.for(phoneEndpoint)).toHaveLength(0);
    // and Settings does not list a device that can no longer be signed in
    expect((await api.as(bo).push.list.query()).map((d) => d.id)).not.toContain(phone.id);
  });
});

describe("SSRF: IPv4 inside IPv6", () => {
  it.each([
    ["::127.0.0.1", "IPv4-compatible (::/96, deprecated)"],
    ["::ffff:0:127.0.0.1", "IPv4-translated (::ffff:0:0:0/96, SIIT)"],
    ["::ffff:0:a9fe:a9fe", "IPv4-translated 169.254.169.254"],
  ])("treats %s (%s) as not public", (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it("refuses https://[::127.0.0.1]/ at subscribe", async () => {
    const bo = await strict.signUp("Bo");
    const res = await failure(strict.as(bo).push.subscribe.mutate({ endpoint: "https://[::127.0.0.1]/x", keys: browserKeys().keys }));
    expect(res).toEqual({ status: 400, message: "The push endpoint must be on the public internet" });
  });
});

/** A "push service" on a free port that answers every POST with `respond`; closes every connection on close(). */
async function startSlowService(respond: (res: ServerResponse) => void) {
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setInterval>>();
  const closedAt: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    res.on("close", () => closedAt.push(Date.now()));
    respond(res);
  });
  server.on("connection", (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** when each answer's connection closed (the API hung up) */
    closedAt,
    drip(res: ServerResponse, everyMs: number) {
      timers.add(setInterval(() => res.write("."), everyMs));
    },
    async close() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const ringMessage = { v: 1 as const, kind: "ring" as const, tag: "call-x", title: "Ana is calling", body: "Video call", url: "/calls" };

describe("one push service cannot hold a push worker", () => {
  it("a service that answers byte by byte is cut off by a deadline for the whole request", { timeout: 30_000 }, async () => {
    // headers at once, then one byte every second for ever: each byte would reset a socket idle timeout
    const slow = await startSlowService((res) => {
      res.writeHead(201, { "content-type": "text/plain" });
      slow.drip(res, 1000);
    });
    try {
      const target = { id: "d1", userId: "u1", endpoint: `${slow.origin}/push/drip`, ...browserKeys().keys };
      const started = Date.now();
      const sent = sendPush(target, { message: ringMessage, urgency: "high", expiresAt: new Date(started + 60_000) }, config, new Date(started));
      await expect(sent).rejects.toBeInstanceOf(TransientPushError);
      const took = Date.now() - started;
      expect(took).toBeGreaterThan(9_000);
      expect(took).toBeLessThan(13_000);
      // and the connection is closed, not left open to the service
      await vi.waitFor(() => expect(slow.closedAt).toHaveLength(1), { timeout: 2000 });
    } finally {
      await slow.close();
    }
  });

  it("a service that streams an endless answer is read up to 8 KB, then hung up on", { timeout: 30_000 }, async () => {
    const endless = await startSlowService((res) => {
      res.writeHead(400, { "content-type": "text/plain" });
      const chunk = "x".repeat(64 * 1024);
      const pump = () => {
        if (!res.destroyed && res.write(chunk)) setImmediate(pump);
        else if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    try {
      const target = { id: "d1", userId: "u1", endpoint: `${endless.origin}/push/endless`, ...browserKeys().keys };
      const started = Date.now();
      const outcome = await sendPush(target, { message: ringMessage, urgency: "high", expiresAt: new Date(started + 60_000) }, config, new Date(started));
      expect(outcome).toMatchObject({ status: "rejected", statusCode: 400 });
      expect(outcome.status === "rejected" && outcome.detail).toMatch(/^x+$/);
      expect(Date.now() - started).toBeLessThan(3_000);
      await vi.waitFor(() => expect(endless.closedAt).toHaveLength(1), { timeout: 2000 });
    } finally {
      await endless.close();
    }
  });
});

describe("one person's devices cannot hold up everyone's pushes", () => {
  it("many devices on a slow push service take only a few workers, so others' rings still arrive at once", { timeout: 90_000 }, async () => {
    // a "push service" that sends its headers and then one byte every 2 s, for ever
    const slow = await startSlowService((res) => {
      res.writeHead(201, { "content-type": "text/plain" });
      slow.drip(res, 2000);
    });
    try {
      const mallory = await api.signUp("Mallory");
      const alt = await api.signUp("Alt");
      const ana = await api.signUp("Ana");
      const cy = await api.signUp("Cy");
      // Mallory's devices (the API allows 20) all point at the slow service: more of them than a process has workers
      for (let i = 0; i < 6; i += 1) {
        await api.as(mallory).push.subscribe.mutate({ endpoint: `${slow.origin}/push/${i}`, keys: browserKeys().keys });
      }
      const cyDevice = service.newEndpoint();
      await api.as(cy).push.subscribe.mutate({ endpoint: cyDevice, keys: browserKeys().keys });

      // Mallory's other account rings her: six pushes that each take the whole send deadline
      await api.as(alt).calls.start.mutate({ calleeIds: [mallory.id], kind: "audio" });
      await new Promise((r) => setTimeout(r, 1500));
      // Cy is rung: a ring push is worth something only while it rings. Without a cap per person it
      // would wait for the deadline (10 s) of Mallory's pushes; with it, it goes out at once.
      const started = Date.now();
      await api.as(ana).calls.start.mutate({ calleeIds: [cy.id], kind: "video" });
      await service.waitFor(cyDevice, 1, 20_000);
      expect(Date.now() - started).toBeLessThan(6_000);
    } finally {
      await slow.close();
    }
  });
});
