/**
 * Benchmark: a 200 MB recording uploaded through the API's resumable upload endpoint (tus), in
 * chunks, against a real API process, whose memory (RSS) is sampled while the bytes arrive.
 * Run by hand: `pnpm exec tsx scripts/bench/upload-throughput.ts [--mb 200] [--chunk-mb 8] [--runs 3]`.
 * Starts its own Postgres and API process on free ports; makes (once, cached in the temp folder) a
 * real WebM of the size asked, since the API checks what it receives. Prints MB/s and RSS growth;
 * the content check at the end (ffprobe) and the jobs (remux, poster) are timed separately.
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
import { getMessage } from "@ringback/db/queries/messages";
import { contacts, sessions, userSettings, users } from "@ringback/db/schema";
import { startEmbeddedPostgres } from "../stack/embedded-postgres";
import { startLocalLivekit } from "../stack/livekit";
import { freeTcpPort, waitForHttp } from "../stack/ports";

const { values } = parseArgs({
  options: { mb: { type: "string", default: "200" }, "chunk-mb": { type: "string", default: "8" }, runs: { type: "string", default: "3" } },
});
const TARGET_MB = Number(values.mb);
const CHUNK = Math.round(Number(values["chunk-mb"]) * 1024 * 1024);
const RUNS = Number(values.runs);
const MB = 1024 * 1024;
const repoRoot = new URL("../../", import.meta.url).pathname;
const secret = "bench-secret-bench-secret-bench-secret-01";

/** Runs ffmpeg to completion. */
async function ffmpeg(args: string[]): Promise<void> {
  const child = spawn("ffmpeg", ["-nostdin", "-v", "error", "-y", ...args], { stdio: ["ignore", "ignore", "inherit"] });
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0) throw new Error(`ffmpeg failed (${code})`);
}

/**
 * A WebM of about `mb` MB that passes the API's checks (VP8 + Opus, under 3 minutes): a 10 s clip
 * of noise at a high bit rate (incompressible, like a camera's picture), repeated by stream copy.
 */
async function benchRecording(mb: number): Promise<string> {
  const cache = join(tmpdir(), "ringback-bench-cache");
  await mkdir(cache, { recursive: true });
  const out = join(cache, `upload-${mb}mb.webm`);
  if (await stat(out).catch(() => null)) return out;
  console.log(`making a ${mb} MB recording (once; cached in ${cache})…`);
  const clip = join(cache, "clip-10s.webm");
  if (!(await stat(clip).catch(() => null))) {
    await ffmpeg([
      ...["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=10,noise=alls=60:allf=t"],
      ...["-f", "lavfi", "-i", "sine=f=440:duration=10"],
      ...["-c:v", "libvpx", "-b:v", "40M", "-minrate", "40M", "-maxrate", "40M", "-deadline", "realtime", "-cpu-used", "8"],
      ...["-c:a", "libopus", "-f", "webm", `${clip}.tmp`],
    ]);
    await rename(`${clip}.tmp`, clip);
  }
  const clipMb = (await stat(clip)).size / MB;
  const copies = Math.max(1, Math.ceil(mb / clipMb));
  const seconds = (mb / clipMb) * 10;
  if (seconds > 180) throw new Error(`the clip is too small (${clipMb.toFixed(1)} MB) for ${mb} MB under 3 minutes`);
  const list = join(cache, "list.txt");
  await writeFile(list, Array.from({ length: copies }, () => `file '${clip}'`).join("\n"));
  await ffmpeg(["-f", "concat", "-safe", "0", "-i", list, "-t", seconds.toFixed(2), "-c", "copy", "-f", "webm", `${out}.tmp`]);
  await rename(`${out}.tmp`, out);
  return out;
}

const file = await benchRecording(TARGET_MB);
const size = (await stat(file)).size;

const dir = await mkdtemp(join(tmpdir(), "ringback-bench-"));
// embedded Postgres runs as its own OS user when we are root: it must be able to enter the folder
await chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: join(dir, "pg"), port: await freeTcpPort(), persistent: false });
await runMigrations(pg.url);
// calls.start opens a room for the call that goes unanswered
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
    MESSAGE_MAX_BYTES: String(Math.max(size + MB, 250 * MB)),
    // the transcript is not what this measures
    TRANSCRIBER_URL: "",
    TRANSCRIPTION_API_URL: "",
    LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
// the API goes with this script, however it ends
process.once("exit", () => api.kill("SIGKILL"));
const base = `http://127.0.0.1:${apiPort}`;
await waitForHttp(`${base}/healthz`, { timeoutMs: 60_000 });
const apiPid = api.pid ?? 0;

// people are inserted directly; Bob has Ann as a contact, so she may leave him messages
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
await db.insert(userSettings).values(people.map((p) => ({ userId: p.id })));
await db.insert(contacts).values({ ownerId: bob, contactId: ann });
const sessionRows = await db
  .insert(sessions)
  .values(people.map((p) => ({ userId: p.id, expiresAt: new Date(Date.now() + 86_400_000) })))
  .returning({ id: sessions.id, userId: sessions.userId });
const cookieOf = async (userId: string) => sessionCookie(userId, sessionRows.find((s) => s.userId === userId)?.id ?? null, secret);
const annCookie = await cookieOf(ann);
const annApi = nodeClient(base, annCookie);
const bobApi = nodeClient(base, await cookieOf(bob));

/** A begun video message after a declined call. */
async function beginMessage(): Promise<string> {
  const call = await annApi.calls.start.mutate({ calleeIds: [bob], kind: "video" });
  await bobApi.calls.decline.mutate({ callId: call.id });
  return (await annApi.messages.begin.mutate({ callId: call.id })).messageId;
}

/** One raw tus request; a PATCH streams its bytes from the file (the client holds no chunk in memory). */
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
    if (body && body.end > body.start) createReadStream(file, { start: body.start, end: body.end - 1, highWaterMark: 1024 * 1024 }).pipe(req);
    else req.end();
  });
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

const metadata = (messageId: string) =>
  [`messageId ${Buffer.from(messageId).toString("base64")}`, `filetype ${Buffer.from("video/webm;codecs=vp8,opus").toString("base64")}`].join(",");

/** The last bytes go in a PATCH of their own, so the content check it triggers is timed apart from the transfer. */
const TAIL = 64 * 1024;

type Run = { mbPerS: number; rssBefore: number; rssPeak: number; finishMs: number; readyMs: number };

async function run(): Promise<Run> {
  const messageId = await beginMessage();
  // browsers stream while recording: the length is declared with the last chunk
  const created = await tus("POST", "/api/uploads", { "upload-defer-length": "1", "upload-metadata": metadata(messageId) });
  const location = String(created.headers.location ?? "");
  if (created.status !== 201 || !location) throw new Error(`create failed: ${created.status} ${created.text}`);
  global.gc?.();
  const rssBefore = await rssMb(apiPid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssMb(apiPid).then(
      (mb) => (rssPeak = Math.max(rssPeak, mb)),
      () => undefined,
    );
  }, 20);
  const body = size - TAIL;
  const t0 = performance.now();
  let offset = 0;
  while (offset < body) {
    const end = Math.min(body, offset + CHUNK);
    const res = await tus("PATCH", location, { "content-type": "application/offset+octet-stream", "upload-offset": String(offset) }, { start: offset, end });
    if (res.status !== 204) throw new Error(`PATCH failed: ${res.status} ${res.text}`);
    offset = Number(res.headers["upload-offset"]);
  }
  const transferMs = performance.now() - t0;
  const t1 = performance.now();
  const last = await tus(
    "PATCH",
    location,
    { "content-type": "application/offset+octet-stream", "upload-offset": String(offset), "upload-length": String(size) },
    { start: offset, end: size },
  );
  const finishMs = performance.now() - t1;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, await rssMb(apiPid));
  if (last.status !== 204) throw new Error(`last PATCH failed: ${last.status} ${last.text}`);
  // the jobs: remux for seeking, poster frame
  for (;;) {
    const row = await getMessage(db, messageId);
    if (row?.status === "ready") break;
    if (!row || row.status === "failed") throw new Error(`message ${row?.status ?? "gone"}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const readyMs = performance.now() - t1;
  return { mbPerS: body / MB / (transferMs / 1000), rssBefore, rssPeak, finishMs, readyMs };
}

/** The upload path once, briefly (create, two chunks, terminate): the first use loads code and grows pools. */
async function warmUp(): Promise<{ rssBefore: number; rssAfter: number }> {
  const rssBefore = await rssMb(apiPid);
  const messageId = await beginMessage();
  const created = await tus("POST", "/api/uploads", { "upload-defer-length": "1", "upload-metadata": metadata(messageId) });
  const location = String(created.headers.location ?? "");
  let offset = 0;
  for (let i = 0; i < 2; i++) {
    const res = await tus("PATCH", location, { "content-type": "application/offset+octet-stream", "upload-offset": String(offset) }, { start: offset, end: offset + CHUNK });
    offset = Number(res.headers["upload-offset"]);
  }
  await tus("DELETE", location, {});
  return { rssBefore, rssAfter: await rssMb(apiPid) };
}

const warm = await warmUp();
console.log(`warm-up (${((2 * CHUNK) / MB).toFixed(0)} MB, then terminated): API RSS ${warm.rssBefore.toFixed(0)} → ${warm.rssAfter.toFixed(0)} MB`);
console.log(`uploading ${(size / MB).toFixed(0)} MB in ${(CHUNK / MB).toFixed(0)} MB chunks, ${RUNS} runs (API pid ${apiPid})`);
const results: Run[] = [];
for (let i = 0; i < RUNS; i++) {
  const r = await run();
  results.push(r);
  console.log(
    `  run ${i + 1}: ${r.mbPerS.toFixed(0)} MB/s, API RSS ${r.rssBefore.toFixed(0)} → ${r.rssPeak.toFixed(0)} MB (+${(r.rssPeak - r.rssBefore).toFixed(1)}), ` +
      `content check ${r.finishMs.toFixed(0)} ms, ready ${r.readyMs.toFixed(0)} ms after the last byte`,
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(`upload throughput (median of ${RUNS}): ${median(results.map((r) => r.mbPerS)).toFixed(0)} MB/s (goal ≥ 150)`);
console.log(`API RSS growth while uploading (max of ${RUNS}): ${Math.max(...results.map((r) => r.rssPeak - r.rssBefore)).toFixed(1)} MB (goal < 40)`);
console.log(
  `content check at the end (ffprobe): median ${median(results.map((r) => r.finishMs)).toFixed(0)} ms; playable (remux + poster): median ${median(results.map((r) => r.readyMs)).toFixed(0)} ms`,
);

await close();
api.kill("SIGTERM");
await new Promise((r) => api.once("exit", r));
await lk.stop();
await pg.stop();
await rm(dir, { recursive: true, force: true });
process.exit(0);
