/**
 * Benchmark: the API side of a call recording. A real API process (with its own Postgres and LiveKit)
 * takes a long WebM the way a recording browser sends it: through the real tus route
 * (/api/library/uploads), one chunk every 2 s of recording, each as big as 2 s of the file, paced in
 * real time; then the last chunk declares the length and the job makes the Library item. The API's
 * RSS and CPU are sampled every second while it streams. Prints numbers; asserts nothing.
 *
 *   pnpm exec tsx scripts/bench/recording-api.ts [--seconds 300] [--kbps 1000] [--fast]
 *
 * --seconds: how long a recording (default 300 = 5 minutes, streamed over 5 minutes); --kbps: its bit
 * rate (the browser records at about 900 kb/s picture + 64 kb/s sound); --fast: no pacing (for a
 * quick look; RSS growth then shows the route under a burst, not a recording).
 */
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { nodeClient, sessionCookie } from "@ringback/api/testing/node-client";
import { createDb } from "@ringback/db/client";
import { runMigrations } from "@ringback/db/migrate";
import { getLibraryItem, updateLibraryItem } from "@ringback/db/queries/library";
import { sessions, userSettings, users } from "@ringback/db/schema";
import { startEmbeddedPostgres } from "../stack/embedded-postgres";
import { startLocalLivekit } from "../stack/livekit";
import { freeTcpPort, waitForHttp } from "../stack/ports";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "300" }, kbps: { type: "string", default: "1000" }, fast: { type: "boolean", default: false } },
});
const SECONDS = Number(values.seconds);
const KBPS = Number(values.kbps);
const CHUNK_SECONDS = 2;
const MB = 1024 * 1024;
const repoRoot = new URL("../../", import.meta.url).pathname;
const secret = "bench-secret-bench-secret-bench-secret-01";

async function ffmpeg(args: string[]): Promise<void> {
  const child = spawn("ffmpeg", ["-nostdin", "-v", "error", "-y", ...args], { stdio: ["ignore", "ignore", "inherit"] });
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0) throw new Error(`ffmpeg failed (${code})`);
}

/**
 * A WebM like a recording browser's (VP8 + Opus, no duration, no cues), `seconds` long at about `kbps`:
 * a 10 s clip of moving noise (a camera's picture does not compress away) repeated by stream copy and
 * written to a pipe, as MediaRecorder writes.
 */
async function benchRecording(seconds: number, kbps: number): Promise<string> {
  const cache = join(tmpdir(), "ringback-bench-cache");
  await mkdir(cache, { recursive: true });
  const out = join(cache, `recording-${seconds}s-${kbps}k.webm`);
  if (await stat(out).catch(() => null)) return out;
  console.log(`making a ${seconds} s recording at ${kbps} kb/s (once; cached in ${cache})…`);
  const clip = join(cache, `rec-clip-10s-${kbps}k.webm`);
  if (!(await stat(clip).catch(() => null))) {
    await ffmpeg([
      ...["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=10,noise=alls=20:allf=t"],
      ...["-f", "lavfi", "-i", "sine=f=440:duration=10"],
      ...["-c:v", "libvpx", "-b:v", `${kbps - 64}k`, "-minrate", `${kbps - 64}k`, "-maxrate", `${kbps - 64}k`, "-deadline", "realtime", "-cpu-used", "8"],
      ...["-c:a", "libopus", "-b:a", "64k", "-f", "webm", `${clip}.tmp`],
    ]);
    await rename(`${clip}.tmp`, clip);
  }
  const list = join(cache, "rec-list.txt");
  await writeFile(list, Array.from({ length: Math.ceil(seconds / 10) }, () => `file '${clip}'`).join("\n"));
  await ffmpeg(["-f", "concat", "-safe", "0", "-i", list, "-t", String(seconds), "-c", "copy", "-f", "webm", `${out}.tmp`]);
  await rename(`${out}.tmp`, out);
  return out;
}

const file = await benchRecording(SECONDS, KBPS);
const size = (await stat(file)).size;
const chunkBytes = Math.ceil((size / SECONDS) * CHUNK_SECONDS);

const dir = await mkdtemp(join(tmpdir(), "ringback-bench-"));
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
    LIVEKIT_API_KEY: livekit.apiKey,
    LIVEKIT_API_SECRET: livekit.apiSecret,
    MEDIA_DIR: join(dir, "media"),
    TRANSCRIBER_URL: "",
    TRANSCRIPTION_API_URL: "",
    LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
process.once("exit", () => api.kill("SIGKILL"));
const base = `http://127.0.0.1:${apiPort}`;
await waitForHttp(`${base}/healthz`, { timeoutMs: 60_000 });
const apiPid = api.pid ?? 0;

// Ann and Bob, both allowing recording, in a call Bob answered
const { db, close } = createDb(pg.url);
const people = await db
  .insert(users)
  .values([
    { email: "ann@bench.test", handle: "bench_ann", displayName: "Ann", passwordHash: null },
    { email: "bob@bench.test", handle: "bench_bob", displayName: "Bob", passwordHash: null },
  ])
  .returning({ id: users.id });
const [ann, bob] = people.map((p) => p.id);
if (!ann || !bob) throw new Error("bench setup failed");
await db.insert(userSettings).values(people.map((p) => ({ userId: p.id, allowRecording: true })));
const sessionRows = await db
  .insert(sessions)
  .values(people.map((p) => ({ userId: p.id, expiresAt: new Date(Date.now() + 86_400_000) })))
  .returning({ id: sessions.id, userId: sessions.userId });
const cookieOf = (userId: string) => sessionCookie(userId, sessionRows.find((s) => s.userId === userId)?.id ?? null, secret);
const annCookie = await cookieOf(ann);
const annApi = nodeClient(base, annCookie);
const bobApi = nodeClient(base, await cookieOf(bob));

/** One raw tus request; a PATCH streams its bytes from the file. */
function tus(method: string, path: string, headers: Record<string, string>, body?: { start: number; end: number }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const req = request(`${base}${path}`, {
      method,
      headers: { "tus-resumable": "1.0.0", cookie: annCookie, ...headers, ...(body ? { "content-length": String(body.end - body.start) } : {}) },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    if (body && body.end > body.start) createReadStream(file, { start: body.start, end: body.end - 1 }).pipe(req);
    else req.end();
  });
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The process's CPU time so far, in seconds (user + system). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const metadata = (recordingId: string) =>
  [`recordingId ${Buffer.from(recordingId).toString("base64")}`, `filetype ${Buffer.from("video/webm;codecs=vp8,opus").toString("base64")}`].join(",");

/** A short recording first (start, two chunks, stop, finish): the first use loads code and grows pools. */
async function recordOnce(opts: { seconds: number; paced: boolean }) {
  const call = await annApi.calls.start.mutate({ calleeIds: [bob], kind: "video" });
  await bobApi.calls.answer.mutate({ callId: call.id, kind: "video" });
  const { recordingId } = await annApi.recordings.start.mutate({ callId: call.id });
  // unpaced, the stop comes long before the recording's length has passed, and the kept file is cut
  // at the stop: date the start back as if it had been recorded in real time
  if (!opts.paced) await updateLibraryItem(db, recordingId, { capturedAt: new Date(Date.now() - opts.seconds * 1000) });
  const created = await tus("POST", "/api/library/uploads", { "upload-defer-length": "1", "upload-metadata": metadata(recordingId) });
  const location = String(created.headers.location ?? "");
  if (created.status !== 201 || !location) throw new Error(`create failed: ${created.status} ${created.text}`);
  const total = Math.min(size, Math.ceil((size / SECONDS) * opts.seconds));
  const t0 = performance.now();
  let offset = 0;
  let chunks = 0;
  let chunkMs = 0;
  while (offset < total) {
    // MediaRecorder hands over a chunk once its 2 s of recording are over
    if (opts.paced) await new Promise((r) => setTimeout(r, Math.max(0, t0 + (chunks + 1) * CHUNK_SECONDS * 1000 - performance.now())));
    const end = Math.min(total, offset + chunkBytes);
    const last = end === total;
    if (last) await annApi.recordings.stop.mutate({ recordingId });
    const c0 = performance.now();
    const res = await tus(
      "PATCH",
      location,
      { "content-type": "application/offset+octet-stream", "upload-offset": String(offset), ...(last ? { "upload-length": String(total) } : {}) },
      { start: offset, end },
    );
    chunkMs = Math.max(chunkMs, performance.now() - c0);
    if (res.status !== 204) throw new Error(`PATCH failed: ${res.status} ${res.text}`);
    offset = Number(res.headers["upload-offset"]);
    chunks += 1;
  }
  const stoppedAt = performance.now();
  for (;;) {
    const row = await getLibraryItem(db, recordingId);
    if (row?.status === "ready") return { row, chunks, chunkMs, readyMs: performance.now() - stoppedAt, streamedS: (stoppedAt - t0) / 1000, bytes: total };
    if (!row || row.status === "failed") throw new Error(`recording ${row?.status ?? "gone"}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

await recordOnce({ seconds: 6, paced: false });
const rssIdle = await rssMb(apiPid);
console.log(
  `streaming a ${SECONDS} s recording (${(size / MB).toFixed(1)} MB, ${((size * 8) / SECONDS / 1000).toFixed(0)} kb/s) in ${CHUNK_SECONDS}-s chunks of ${(chunkBytes / 1024).toFixed(0)} KB` +
    `${values.fast ? " as fast as it goes" : " in real time"} (API pid ${apiPid}, RSS after warm-up ${rssIdle.toFixed(0)} MB)`,
);
const samples: Array<{ t: number; rss: number }> = [];
let rssPeak = rssIdle;
const cpu0 = await cpuSeconds(apiPid);
const wall0 = performance.now();
const sampler = setInterval(() => {
  rssMb(apiPid).then(
    (rss) => {
      rssPeak = Math.max(rssPeak, rss);
      samples.push({ t: (performance.now() - wall0) / 1000, rss });
    },
    () => undefined,
  );
}, 1000);
const result = await recordOnce({ seconds: SECONDS, paced: !values.fast });
clearInterval(sampler);
const cpu1 = await cpuSeconds(apiPid);
const rssEnd = await rssMb(apiPid);
const wall = (performance.now() - wall0) / 1000;

const minute = (m: number) => samples.filter((s) => s.t >= m * 60 && s.t < (m + 1) * 60).map((s) => s.rss);
const perMinute = Array.from({ length: Math.ceil(wall / 60) }, (_, m) => minute(m)).filter((xs) => xs.length > 0);
console.log(`API RSS per minute (max): ${perMinute.map((xs) => Math.max(...xs).toFixed(0)).join(" → ")} MB`);
console.log(`API RSS: ${rssIdle.toFixed(0)} MB before, peak ${rssPeak.toFixed(0)} MB (+${(rssPeak - rssIdle).toFixed(1)}), ${rssEnd.toFixed(0)} MB at the end`);
console.log(`API CPU while streaming: ${(cpu1 - cpu0).toFixed(1)} s over ${wall.toFixed(0)} s (${(((cpu1 - cpu0) / wall) * 100).toFixed(1)} % of one core)`);
console.log(`chunks: ${result.chunks}, slowest PATCH ${result.chunkMs.toFixed(0)} ms; ${(result.bytes / MB).toFixed(1)} MB arrived`);
console.log(
  `Library item ready ${(result.readyMs / 1000).toFixed(1)} s after the last chunk (remux + poster): ${((result.row.durationMs ?? 0) / 1000).toFixed(1)} s long, ` +
    `${((result.row.sizeBytes ?? 0) / MB).toFixed(1)} MB stored`,
);

await close();
api.kill("SIGTERM");
await new Promise((r) => api.once("exit", r));
await lk.stop();
await pg.stop();
await rm(dir, { recursive: true, force: true });
process.exit(0);
