/**
 * Benchmark: time from `calls.start` to the callee's `incoming-call` event, with many other people
 * connected, and what the API process holds for them. Run alone:
 * `pnpm exec tsx scripts/bench/time-to-ring.ts [--subscribers 1000,10000] [--rings 200]`.
 * Starts its own Postgres, LiveKit and API process on free ports; for each subscriber count (one API
 * process, topped up from one count to the next) it prints p50/p90/p99 and the API's memory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
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
import { loadAverage, runWhenStarted, type BenchRow } from "./bench-row";

export type TimeToRingOptions = { subscribers: number[]; rings: number; log?: (line: string) => void };

const PAIRS = 20;
const repoRoot = new URL("../../", import.meta.url).pathname;
const secret = "bench-secret-bench-secret-bench-secret-01";
const MB = 1024 * 1024;

type Memory = { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };

/** The API's memory after a full GC: RSS from /proc, the rest from the preloaded memory-probe. */
async function apiMemory(api: ChildProcess, probeFile: string): Promise<Memory> {
  await rm(probeFile, { force: true });
  api.kill("SIGUSR2");
  for (let i = 0; i < 1200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      return JSON.parse(await readFile(probeFile, "utf8")) as Memory;
    } catch {
      // not written yet
    }
  }
  throw new Error("the API did not answer the memory probe");
}

const fmtMem = (m: Memory) =>
  `RSS ${(m.rss / MB).toFixed(0)} MB (heap used ${(m.heapUsed / MB).toFixed(0)} of ${(m.heapTotal / MB).toFixed(0)}, external ${(m.external / MB).toFixed(0)}, array buffers ${(m.arrayBuffers / MB).toFixed(0)})`;

export async function run(opts: TimeToRingOptions): Promise<BenchRow[]> {
  const log = opts.log ?? console.log;
  const counts = [...opts.subscribers].sort((a, b) => a - b);
  const max = counts.at(-1) ?? 0;
  const dir = await mkdtemp(join(tmpdir(), "ringback-bench-"));
  // embedded Postgres runs as its own OS user when we are root: it must be able to enter the folder
  await chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, "pg"), port: await freeTcpPort(), persistent: false });
  await runMigrations(pg.url);
  const { server: lk, config: livekit } = await startLocalLivekit(repoRoot);
  const apiPort = await freeTcpPort();
  const probeFile = join(dir, "memory.json");
  const api = spawn(process.execPath, ["--expose-gc", "--import", "./scripts/bench/memory-probe.mjs", "--import", "tsx", "apps/api/src/main.ts"], {
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
      MEMORY_PROBE_FILE: probeFile,
      // BENCH_HEAPSNAPSHOT=<file>: a heap snapshot with every memory reading (read it with heap-summary.ts)
      ...(process.env.BENCH_HEAPSNAPSHOT ? { MEMORY_PROBE_SNAPSHOT: process.env.BENCH_HEAPSNAPSHOT } : {}),
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const rows: BenchRow[] = [];
  let stopFarm = () => {};
  try {
    const base = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${base}/healthz`, { timeoutMs: 60_000 });

    // people are inserted directly: hashing 10,000 passwords would measure argon2, not ringing
    const { db, close } = createDb(pg.url);
    const total = max + PAIRS * 2;
    const ids: string[] = [];
    const sessionOf = new Map<string, string>();
    for (let from = 0; from < total; from += 2000) {
      const n = Math.min(2000, total - from);
      const people = await db
        .insert(users)
        .values(Array.from({ length: n }, (_, i) => ({ email: `u${from + i}@bench.test`, handle: `bench_${from + i}`, displayName: `Bench ${from + i}`, passwordHash: null })))
        .returning({ id: users.id });
      await db.insert(userSettings).values(people.map((r) => ({ userId: r.id })));
      // the API accepts a cookie only for a live server-side session
      const made = await db
        .insert(sessions)
        .values(people.map((r) => ({ userId: r.id, expiresAt: new Date(Date.now() + 86_400_000) })))
        .returning({ id: sessions.id, userId: sessions.userId });
      for (const s of made) sessionOf.set(s.userId, s.id);
      ids.push(...people.map((r) => r.id));
    }
    await close();

    const clientFor = async (userId: string) => nodeClient(base, await sessionCookie(userId, sessionOf.get(userId) ?? null, secret));
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

    // callees and callers are the last ids; idle subscribers the first `count`
    const callees = await Promise.all(ids.slice(max, max + PAIRS).map(subscribe));
    void callees;
    const callers = await Promise.all(ids.slice(max + PAIRS).map(clientFor));
    await new Promise((r) => setTimeout(r, 500));
    const idle = await apiMemory(api, probeFile);
    log(`API with ${PAIRS} callees connected: ${fmtMem(idle)}`);

    // the idle subscribers live in a process of their own (see sse-farm.ts)
    const farm = spawn(process.execPath, ["--import", "tsx", "scripts/bench/sse-farm.ts"], { cwd: repoRoot, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    stopFarm = () => farm.kill("SIGKILL");
    const farmConnect = (people: Array<{ userId: string; sessionId: string }>) =>
      new Promise<number>((resolve, reject) => {
        farm.once("message", (m: { connected?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.connected ?? 0)));
        farm.send({ base, secret, people });
      });
    let connected = 0;
    for (const count of counts) {
      log(`connecting idle subscribers ${connected} → ${count}…`);
      const open = await farmConnect(ids.slice(connected, count).map((userId) => ({ userId, sessionId: sessionOf.get(userId) ?? "" })));
      if (open !== count) throw new Error(`only ${open} of ${count} idle subscribers connected`);
      connected = count;
      await new Promise((r) => setTimeout(r, 1000));
      const mem = await apiMemory(api, probeFile);
      log(`  ${count} subscribers: ${fmtMem(mem)}; ${((mem.rss - idle.rss) / count / 1024).toFixed(1)} KB RSS per subscriber`);

      const samples: number[] = [];
      // a few rings first: the first ones after a burst of connections time the garbage collector
      for (let i = -10; i < opts.rings; i++) {
        const k = (i + PAIRS * 10) % PAIRS;
        const caller = callers[k];
        const calleeId = ids[max + k];
        if (!caller || !calleeId) throw new Error("bench setup is inconsistent");
        // keyed by callee: the event can arrive before calls.start has even answered the caller
        const arrived = new Promise<number>((resolve, reject) => {
          waiting.set(calleeId, resolve);
          setTimeout(() => reject(new Error("ring lost")), 5000);
        });
        const t0 = performance.now();
        const call = await caller.calls.start.mutate({ calleeIds: [calleeId], kind: "video" });
        const t = (await arrived) - t0;
        if (i >= 0) samples.push(t);
        waiting.delete(calleeId);
        await caller.calls.cancel.mutate({ callId: call.id });
      }
      samples.sort((a, b) => a - b);
      const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? NaN;
      const load = loadAverage();
      log(
        `  time to ring, ${opts.rings} rings, ${count} other subscribers: p50 ${pct(50).toFixed(1)} ms   p90 ${pct(90).toFixed(1)} ms   p99 ${pct(99).toFixed(1)} ms   max ${samples.at(-1)?.toFixed(1)} ms   (load ${load})`,
      );
      const label = count >= 1000 ? `${count / 1000}k` : String(count);
      rows.push(
        { metric: `time to ring p50, ${label} subscribers`, value: pct(50), unit: "ms", goal: { op: "<", value: 8 } },
        { metric: `time to ring p99, ${label} subscribers`, value: pct(99), unit: "ms", goal: { op: "<", value: 20 } },
      );
      if (count === max) {
        const after = await apiMemory(api, probeFile);
        rows.push({
          metric: `API RSS at ${label} subscribers`,
          value: Math.round(after.rss / MB),
          unit: "MB",
          goal: count === 10_000 ? { op: "<", value: 300 } : undefined,
          note: `heap ${(after.heapUsed / MB).toFixed(0)} MB, external ${(after.external / MB).toFixed(0)} MB, ${((after.rss - idle.rss) / count / 1024).toFixed(1)} KB/subscriber`,
        });
      }
    }
  } finally {
    stopFarm();
    api.kill("SIGTERM");
    // the API closes its Postgres connections on the way out: stop Postgres after it
    if (api.exitCode === null && api.signalCode === null) {
      const exited = once(api, "exit");
      if ((await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(r, 10_000, false))])) === false) api.kill("SIGKILL");
    }
    await lk.stop();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

runWhenStarted(import.meta.url, () => {
  const { values } = parseArgs({ options: { subscribers: { type: "string", default: "1000" }, rings: { type: "string", default: "200" } } });
  return run({ subscribers: values.subscribers.split(",").map(Number), rings: Number(values.rings) });
});
