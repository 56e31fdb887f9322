/**
 * Benchmark: time from `calls.start` to the callee's `incoming-call` event, with many other people
 * connected. Run by hand: `pnpm exec tsx scripts/bench/time-to-ring.ts [--subscribers 1000] [--rings 200]`.
 * Starts its own Postgres, LiveKit and API process on free ports; prints p50/p90/p99.
 */
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { nodeClient, sessionCookie } from "@ringback/api/testing/node-client";
import { createDb } from "@ringback/db/client";
import { runMigrations } from "@ringback/db/migrate";
import { sessions, userSettings, users } from "@ringback/db/schema";
import { startEmbeddedPostgres } from "../stack/embedded-postgres";
import { startLocalLivekit } from "../stack/livekit";
import { freeTcpPort, waitForHttp } from "../stack/ports";

const { values } = parseArgs({ options: { subscribers: { type: "string", default: "1000" }, rings: { type: "string", default: "200" } } });
const SUBSCRIBERS = Number(values.subscribers);
const RINGS = Number(values.rings);
const PAIRS = 20;
const repoRoot = new URL("../../", import.meta.url).pathname;
const secret = "bench-secret-bench-secret-bench-secret-01";

const dir = await mkdtemp(join(tmpdir(), "ringback-bench-"));
// embedded Postgres runs as its own OS user when we are root: it must be able to enter the folder
await chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: join(dir, "pg"), port: await freeTcpPort(), persistent: false });
await runMigrations(pg.url);
const { server: lk, config: livekit } = await startLocalLivekit(repoRoot);
const apiPort = await freeTcpPort();
const api = spawn(process.execPath, ["--import", "tsx", "apps/api/src/main.ts"], {
  cwd: repoRoot,
  env: {
    ...process.env,
    DATABASE_URL: pg.url,
    AUTH_SECRET: secret,
    API_PORT: String(apiPort),
    LIVEKIT_URL: livekit.url,
    // a log line per request would time the logger, not the ring
    LOG_LEVEL: "warn",
    LIVEKIT_API_KEY: livekit.apiKey,
    LIVEKIT_API_SECRET: livekit.apiSecret,
  },
  stdio: ["ignore", "inherit", "inherit"],
});
const base = `http://127.0.0.1:${apiPort}`;
await waitForHttp(`${base}/healthz`, { timeoutMs: 60_000 });

// people are inserted directly: hashing 1,000 passwords would measure argon2, not ringing
const { db, close } = createDb(pg.url);
const total = SUBSCRIBERS + PAIRS * 2;
const rows = await db
  .insert(users)
  .values(Array.from({ length: total }, (_, i) => ({ email: `u${i}@bench.test`, handle: `bench_${i}`, displayName: `Bench ${i}`, passwordHash: null })))
  .returning({ id: users.id });
await db.insert(userSettings).values(rows.map((r) => ({ userId: r.id })));
// the API accepts a cookie only for a live server-side session
const sessionRows = await db
  .insert(sessions)
  .values(rows.map((r) => ({ userId: r.id, expiresAt: new Date(Date.now() + 86_400_000) })))
  .returning({ id: sessions.id, userId: sessions.userId });
const sessionOf = new Map(sessionRows.map((r) => [r.userId, r.id]));
await close();

const clientFor = async (userId: string) => nodeClient(base, await sessionCookie(userId, sessionOf.get(userId) ?? null, secret));

const ids = rows.map((r) => r.id);
const waiting = new Map<string, (t: number) => void>();
const subscribe = async (userId: string) => {
  const client = await clientFor(userId);
  await new Promise<void>((resolve, reject) => {
    client.events.subscribe.subscribe(
      { lastEventId: null },
      {
        onStarted: () => resolve(),
        onData: (e) => {
          if (e.data.type === "incoming-call") waiting.get(userId)?.(performance.now());
        },
        onError: reject,
      },
    );
  });
  return client;
};

console.log(`connecting ${SUBSCRIBERS} idle subscribers and ${PAIRS} callees…`);
for (let i = 0; i < SUBSCRIBERS; i += 50) await Promise.all(ids.slice(i, Math.min(i + 50, SUBSCRIBERS)).map(subscribe));
const callees = await Promise.all(ids.slice(SUBSCRIBERS, SUBSCRIBERS + PAIRS).map(subscribe));
const callers = await Promise.all(ids.slice(SUBSCRIBERS + PAIRS).map(clientFor));
await new Promise((r) => setTimeout(r, 500));
console.log(`connected; ringing ${RINGS} times`);

const samples: number[] = [];
for (let i = 0; i < RINGS; i++) {
  const caller = callers[i % PAIRS];
  const calleeId = ids[SUBSCRIBERS + (i % PAIRS)];
  if (!caller || !calleeId) throw new Error("bench setup is inconsistent");
  // keyed by callee: the event can arrive before calls.start has even answered the caller
  const arrived = new Promise<number>((resolve, reject) => {
    waiting.set(calleeId, resolve);
    setTimeout(() => reject(new Error("ring lost")), 5000);
  });
  const t0 = performance.now();
  const call = await caller.calls.start.mutate({ calleeIds: [calleeId], kind: "video" });
  samples.push((await arrived) - t0);
  waiting.delete(calleeId);
  await caller.calls.cancel.mutate({ callId: call.id });
}

samples.sort((a, b) => a - b);
const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]?.toFixed(1);
console.log(`time to ring (calls.start → callee's incoming-call), ${RINGS} rings, ${SUBSCRIBERS} other subscribers connected:`);
console.log(`  p50 ${pct(50)} ms   p90 ${pct(90)} ms   p99 ${pct(99)} ms   max ${samples.at(-1)?.toFixed(1)} ms`);

api.kill("SIGTERM");
await lk.stop();
await pg.stop();
await rm(dir, { recursive: true, force: true });
process.exit(0);
