// Copy to: apps/api/src/events/sse-lifecycle.integration.test.ts
// Run:     cd apps/api && TRANSCRIBER_URL= npx vitest run src/events/sse-lifecycle.integration.test.ts
//
// Review findings F1 (a stream dropped before the session lookup finished is never cleaned up),
// F2 (no backpressure: a stalled reader makes the API buffer the whole history) and F5 (the old tRPC
// SSE path is still reachable with a percent-encoded procedure name).
import { connect, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missedSeenEvent } from "@ringback/core/events";
import { createDb } from "@ringback/db/client";
import { publishEvents } from "@ringback/db/queries/events";
import { startTestApi, type TestApi } from "../testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const INPUT = encodeURIComponent(JSON.stringify({ json: { lastEventId: null } }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rawRequest(cookie: string, extraHeaders = ""): Socket {
  const { port } = new URL(api.baseUrl);
  const socket = connect({ host: "127.0.0.1", port: Number(port) });
  socket.write(
    `GET /api/trpc/events.subscribe?input=${INPUT} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nCookie: ${cookie}\r\n${extraHeaders}\r\n`,
  );
  return socket;
}

/** The server side of every open events.subscribe connection of this process (the API runs in it). */
function serverSideStreams() {
  return (process as unknown as { _getActiveHandles(): unknown[] })
    ._getActiveHandles()
    .filter((h): h is Socket & { _httpMessage?: { req?: { url?: string } } } => h instanceof Socket)
    .filter((h) => h._httpMessage?.req?.url?.startsWith("/api/trpc/events.subscribe") === true);
}

describe("event stream lifecycle (review)", () => {
  it("a request dropped before its session lookup finished leaves no stream behind", async () => {
    const a = await api.signUp("Dropper");
    const before = api.bus.subscriberCount();
    // hold the session lookup (a plain SELECT on sessions) until the clients are gone, as a slow
    // database or a busy pool does: the response's "close" then fires before serveEventStream runs
    const { sql, close } = createDb(api.databaseUrl, { max: 1 });
    await sql.begin(async (tx) => {
      await tx`lock table sessions in access exclusive mode`;
      const dropped = Array.from({ length: 3 }, () => {
        const s = rawRequest(a.cookie);
        s.on("error", () => undefined);
        return s;
      });
      await sleep(500);
      for (const s of dropped) s.destroy();
      await sleep(500);
    });
    await close();
    await sleep(1_000);
    // every stream the server opened for them must be closed again once the sockets are gone
    expect(api.bus.subscriberCount()).toBe(before);
  });

  it("a client that does not read does not make the API buffer its whole history", async () => {
    const a = await api.signUp("Stalled");
    // 60k small events (~140 bytes each on the wire, ~8 MB): more than the kernel's socket buffers hold
    for (let i = 0; i < 60; i++) await publishEvents(api.db, Array.from({ length: 1000 }, () => ({ userId: a.id, event: missedSeenEvent() })));
    const stalled: Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const s = rawRequest(a.cookie, "Last-Event-ID: 0\r\n");
      s.on("error", () => undefined);
      // never read: the kernel buffers fill, then whatever the server keeps writing stays in its memory
      s.pause();
      stalled.push(s);
    }
    // watch for 15 s and keep the worst: without backpressure the server's buffers pass 256 KB within
    // a few seconds even on a busy machine (310 KB after 6 s), with it they stay near one write
    let buffered = 0;
    let streams = 0;
    for (let t = 0; t < 15 && buffered < 256 * 1024; t++) {
      await sleep(1_000);
      const open = serverSideStreams();
      streams = Math.max(streams, open.length);
      buffered = Math.max(buffered, open.reduce((n, h) => n + h.writableLength, 0));
    }
    for (const s of stalled) s.destroy();
    expect(streams).toBeGreaterThanOrEqual(4);
    // with backpressure a stalled stream holds about one write beyond the socket's high-water mark
    expect(buffered).toBeLessThan(256 * 1024);
  }, 180_000);

  it("the old tRPC SSE path cannot be reached by percent-encoding the procedure name", async () => {
    // server.ts matches the raw path; tRPC decodes it, so this reaches tRPC's own SSE (200 + an error
    // event instead of the 401, and the heavy per-stream machinery sse.ts was written to avoid)
    const res = await fetch(`${api.baseUrl}/api/trpc/events%2Esubscribe?input=${INPUT}`, { headers: { accept: "text/event-stream" } });
    const status = res.status;
    await res.body?.cancel();
    expect(status).toBe(401);
  });
});
