/**
 * Idle subscribers for time-to-ring.ts, in a process of their own: thousands of tRPC clients in the
 * measuring process made its own garbage collection and event loop part of the measured time.
 * Each subscriber is one raw HTTP GET of `events.subscribe` with the person's session cookie that
 * reads and drops whatever comes (connected, pings). Driven over IPC: send
 * `{ base, secret, people: [{ userId, sessionId }] }`, get `{ connected: number }` back once they all
 * received their `connected` event.
 */
import { request, Agent } from "node:http";
import { sessionCookie } from "@ringback/api/testing/node-client";

type Batch = { base: string; secret: string; people: Array<{ userId: string; sessionId: string }> };

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const input = encodeURIComponent(JSON.stringify({ json: { lastEventId: null } }));
let connected = 0;

function open(base: string, cookie: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/trpc/events.subscribe?input=${input}`, { agent, headers: { cookie, accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`subscribe answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.once("data", () => {
        connected += 1;
        resolve();
      });
      res.on("data", () => {});
      res.on("error", () => {});
    });
    req.on("error", reject);
    req.end();
  });
}

process.on("message", (msg: Batch) => {
  void (async () => {
    for (let i = 0; i < msg.people.length; i += 100) {
      const slice = msg.people.slice(i, i + 100);
      await Promise.all(slice.map(async (p) => open(msg.base, await sessionCookie(p.userId, p.sessionId, msg.secret))));
    }
    process.send?.({ connected });
  })().catch((err: unknown) => {
    process.send?.({ error: String(err) });
  });
});
