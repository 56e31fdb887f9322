import { spawn, type ChildProcess } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { goVersion, isExecutable, runCapture, runInherited } from "./go-tools";
import { forEachLine } from "./supervisor";

/**
 * SeaweedFS, the S3-compatible store the cluster profiles and the tests run media on (Apache-2.0;
 * MinIO's licence is one we avoid). A pinned commit from the Go module proxy: there are no tagged
 * Go module versions, and `go install …@v` refuses the module (its go.mod has replace directives),
 * so it is built inside its own module folder.
 */
export const SEAWEEDFS_MODULE = "github.com/seaweedfs/seaweedfs";
export const SEAWEEDFS_VERSION = "v0.0.0-20261109003541-7506e5f91cd6";
const MIN_GO = [1, 25] as const;

/**
 * Where built binaries are kept: a cache folder outside the clone (like the transcriber's venv), so a
 * fresh clone (CI's) or `git clean` does not pay the build again; the commit in the name makes a
 * version bump build a new one.
 */
export function seaweedfsCachedBinary(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cache, "ringback", "bin", `weed-${SEAWEEDFS_VERSION.slice(-12)}`);
}

/**
 * Finds a `weed` binary: $SEAWEEDFS_BIN, then `.tools/bin/weed-<commit>` in the clone, then the
 * cache folder; otherwise builds the pinned version there with the machine's Go (about 4 minutes on
 * 2 cores without a Go build cache).
 */
export async function ensureSeaweedfsBinary(repoRoot: string, log: (line: string) => void = console.log): Promise<string> {
  const fromEnv = process.env.SEAWEEDFS_BIN;
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) throw new Error(`SEAWEEDFS_BIN=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const inClone = join(repoRoot, ".tools", "bin", `weed-${SEAWEEDFS_VERSION.slice(-12)}`);
  if (await isExecutable(inClone)) return inClone;
  const target = seaweedfsCachedBinary();
  if (await isExecutable(target)) return target;
  const binDir = dirname(target);

  const go = await goVersion();
  if (!go) {
    throw new Error(
      `SeaweedFS (weed) was not found in ${target} and Go is not installed to build it.\n` +
        `Install Go ${MIN_GO.join(".")}+ (https://go.dev/dl/) and retry, or set SEAWEEDFS_BIN to a weed binary.`,
    );
  }
  if (go.major < MIN_GO[0] || (go.major === MIN_GO[0] && go.minor < MIN_GO[1])) {
    throw new Error(`SeaweedFS needs Go ${MIN_GO.join(".")}+, found go${go.major}.${go.minor}`);
  }

  await mkdir(binDir, { recursive: true });
  const buildDir = await mkdtemp(join(binDir, ".build-weed-"));
  log(`Building SeaweedFS ${SEAWEEDFS_VERSION} with go${go.major}.${go.minor} (one-off, about 4 minutes)...`);
  const started = Date.now();
  const heartbeat = setInterval(() => log(`  still building SeaweedFS (${Math.round((Date.now() - started) / 1000)} s)...`), 30_000);
  const env = { ...process.env, CGO_ENABLED: "0", GOFLAGS: [process.env.GOFLAGS, "-buildvcs=false"].filter(Boolean).join(" ") };
  try {
    const info = JSON.parse(await runCapture("go", ["mod", "download", "-json", `${SEAWEEDFS_MODULE}@${SEAWEEDFS_VERSION}`], env)) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new Error(`go mod download ${SEAWEEDFS_MODULE}@${SEAWEEDFS_VERSION} gave no folder${info.Error ? `: ${info.Error}` : ""}`);
    // -s -w: no symbol tables (a third smaller); the module cache is read-only, so the output goes to our folder
    await runInherited("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", join(buildDir, "weed"), "./weed"], env, info.Dir);
    // renamed into place whole: a half-written binary must never sit at the path we look for
    await rename(join(buildDir, "weed"), target);
  } finally {
    clearInterval(heartbeat);
    await rm(buildDir, { recursive: true, force: true });
  }
  log(`Built ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
  return target;
}

export type SeaweedfsOptions = {
  binary: string;
  /** Volume data, master and filer metadata, the S3 identities file; kept across restarts. */
  dataDir: string;
  s3Port: number;
  masterPort: number;
  volumePort: number;
  filerPort: number;
  /**
   * The gRPC ports; SeaweedFS's default is each HTTP port + 10000, which is fine for fixed ports
   * (8333 → 18333) but can leave the range for random ones (tests pass free ports here).
   */
  grpcPorts?: { master: number; volume: number; filer: number; s3: number };
  accessKey: string;
  secretKey: string;
  /** Created at start when missing. */
  bucket: string;
  /** Receives SeaweedFS's warnings and errors (its info lines, several a second, are kept back). */
  onLog?: (line: string) => void;
  startTimeoutMs?: number;
};

export type SeaweedfsHandle = {
  /** http://127.0.0.1:<s3Port>, the S3 endpoint (path-style). */
  endpoint: string;
  pid: number | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
};

const REGION = "us-east-1";

/**
 * Starts `weed server` (master, volume, filer and S3 gateway in one process) on 127.0.0.1 with one
 * identity (the key pair, all actions), and resolves once an S3 request signed with it works and the
 * bucket exists.
 */
export async function startSeaweedfs(opts: SeaweedfsOptions): Promise<SeaweedfsHandle> {
  // said now, not as a minute of refused retries
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(opts.bucket)) throw new Error(`"${opts.bucket}" is not a valid S3 bucket name (3-63 of a-z, 0-9, "." and "-")`);
  // the volume files hold every stored file in the clear: other local users keep out
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  await chmod(opts.dataDir, 0o700);
  const grpc = opts.grpcPorts ?? {
    master: opts.masterPort + 10_000,
    volume: opts.volumePort + 10_000,
    filer: opts.filerPort + 10_000,
    s3: opts.s3Port + 10_000,
  };
  for (const port of Object.values(grpc)) if (port > 65_535) throw new Error(`SeaweedFS gRPC port ${port} is out of range: pass grpcPorts`);
  const identities = join(opts.dataDir, "s3-identities.json");
  // holds the secret key
  await writeFile(
    identities,
    JSON.stringify({
      identities: [{ name: "ringback", credentials: [{ accessKey: opts.accessKey, secretKey: opts.secretKey }], actions: ["Admin", "Read", "List", "Tagging", "Write"] }],
    }),
    { mode: 0o600 },
  );
  // weed's own log files (glog) go to the system temp folder unless told: keep them with its data
  const logDir = join(opts.dataDir, "logs");
  await mkdir(logDir, { recursive: true });
  const args = [
    `-logdir=${logDir}`,
    "server",
    "-ip=127.0.0.1",
    "-ip.bind=127.0.0.1",
    `-dir=${opts.dataDir}`,
    `-master.port=${opts.masterPort}`,
    `-master.port.grpc=${grpc.master}`,
    // nothing leaves this machine
    "-master.telemetry=false",
    // one master elects itself; the default 10 s wait for an election made every restart take 20 s
    "-master.electionTimeout=1s",
    // volumes grow on demand; small ones keep an idle test store small on disk
    "-master.volumeSizeLimitMB=512",
    "-volume.max=0",
    `-volume.port=${opts.volumePort}`,
    `-volume.port.grpc=${grpc.volume}`,
    "-filer",
    `-filer.port=${opts.filerPort}`,
    `-filer.port.grpc=${grpc.filer}`,
    `-filer.localSocket=${join(opts.dataDir, "filer.sock")}`,
    "-s3",
    `-s3.port=${opts.s3Port}`,
    `-s3.port.grpc=${grpc.s3}`,
    `-s3.localSocket=${join(opts.dataDir, "s3.sock")}`,
    `-s3.config=${identities}`,
    // the Iceberg and Lance catalogs are not used, and their fixed ports would clash between stacks
    "-s3.port.iceberg=0",
    "-s3.port.lance=0",
  ];
  const recent: string[] = [];
  const onLine = (line: string): void => {
    recent.push(line);
    if (recent.length > 40) recent.shift();
    // glog lines start with their level: I(nfo), W(arning), E(rror), F(atal)
    if (!line.startsWith("I")) opts.onLog?.(line);
  };
  // cwd: anything SeaweedFS writes relative to it (the filer's leveldb) stays in the data folder
  // signed writes between its parts, and the filer's IAM gRPC service closed to anyone without the key
  // (unset, any local process could add S3 users); the read keys close the filer's and the volume
  // server's HTTP reads too (unset, any local process GETs /buckets/<bucket>/<key>, bypassing every
  // ownership check; the S3 gateway signs its own reads). Fresh each start, as the tokens live seconds
  const secret = (): string => randomBytes(32).toString("hex");
  const jwt = {
    WEED_JWT_SIGNING_KEY: secret(),
    WEED_JWT_FILER_SIGNING_KEY: secret(),
    WEED_JWT_SIGNING_READ_KEY: secret(),
    WEED_JWT_FILER_SIGNING_READ_KEY: secret(),
  };
  // a bucket's first write makes this many volumes at once (default 7: seconds on a busy machine);
  // more are made as they fill
  const growth = { WEED_MASTER_VOLUME_GROWTH_COPY_1: "2" };
  const child = spawn(opts.binary, args, { cwd: opts.dataDir, env: { ...process.env, ...jwt, ...growth }, stdio: ["ignore", "pipe", "pipe"] });
  // weed puts a gRPC socket per part in /tmp by port (not configurable); tests use new ports each run
  const sockets = (["master", "volume", "filer", "s3"] as const).map((part) => `/tmp/seaweedfs-${part}-grpc-${grpc[part]}.sock`);
  const killOnExit = (): void => {
    child.kill("SIGKILL");
    for (const socket of sockets) rmSync(socket, { force: true });
  };
  process.once("exit", killOnExit);
  for (const stream of [child.stdout, child.stderr]) forEachLine(stream, onLine);

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      // one hook per start: a supervisor restarting a crashed store must not pile them up
      process.off("exit", killOnExit);
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.once("error", (error) => {
      onLine(`failed to run ${opts.binary}: ${error.message}`);
      exitInfo = { code: null, signal: null };
      resolve(exitInfo);
    });
  });
  const stop = async (): Promise<void> => {
    await terminate(child, exited);
    process.off("exit", killOnExit);
    await Promise.all(sockets.map((socket) => rm(socket, { force: true })));
  };

  const endpoint = `http://127.0.0.1:${opts.s3Port}`;
  try {
    await ensureBucket(endpoint, opts, {
      timeoutMs: opts.startTimeoutMs ?? 60_000,
      aborted: () => (exitInfo ? `weed exited during start-up (${exitInfo.code ?? exitInfo.signal})` : undefined),
    });
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`SeaweedFS failed to start: ${reason}\n${recent.join("\n")}`);
  }
  return { endpoint, pid: child.pid, exited, stop };
}

/**
 * Creates the bucket with a signed request until it works (200, or 409 when it is there already):
 * the gateway answers before its filer is reachable, so "the port is open" is not readiness.
 */
async function ensureBucket(
  endpoint: string,
  opts: Pick<SeaweedfsOptions, "bucket" | "accessKey" | "secretKey">,
  wait: { timeoutMs: number; aborted: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  let last = "no answer";
  for (;;) {
    const abortReason = wait.aborted();
    if (abortReason) throw new Error(abortReason);
    try {
      const created = await signedFetch(endpoint, "PUT", `/${opts.bucket}`, opts);
      const body = await created.text();
      if (created.ok || (created.status === 409 && /BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(body))) {
        // the first write makes the bucket's volumes (seconds): done here, so "ready" means writable
        const probe = `/${opts.bucket}/.ringback-ready`;
        const put = await signedFetch(endpoint, "PUT", probe, opts);
        await put.body?.cancel();
        if (put.ok) {
          const gone = await signedFetch(endpoint, "DELETE", probe, opts);
          await gone.body?.cancel();
          return;
        }
        last = `PUT object: HTTP ${put.status}`;
      } else {
        last = `PUT bucket: HTTP ${created.status} ${body.slice(0, 200)}`;
      }
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`${endpoint} did not accept a signed S3 request within ${wait.timeoutMs} ms (${last})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** One S3 request with an empty body, signed with AWS Signature Version 4 (enough for bucket calls). */
export async function signedFetch(
  endpoint: string,
  method: "PUT" | "HEAD" | "GET" | "DELETE",
  path: string,
  keys: { accessKey: string; secretKey: string },
): Promise<Response> {
  const url = new URL(path, endpoint);
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256Hex("");
  const headers: Record<string, string> = { host: url.host, "x-amz-content-sha256": payloadHash, "x-amz-date": amzDate };
  const names = Object.keys(headers).sort();
  const canonical = [method, url.pathname, "", ...names.map((n) => `${n}:${headers[n]}`), "", names.join(";"), payloadHash].join("\n");
  const scope = `${day}/${REGION}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonical)].join("\n");
  let key: Buffer = hmac(`AWS4${keys.secretKey}`, day);
  for (const part of [REGION, "s3", "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  const { host: _host, ...sent } = headers;
  return fetch(url, {
    method,
    signal: AbortSignal.timeout(10_000),
    headers: { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${keys.accessKey}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}` },
  });
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac("sha256", key).update(text).digest();
}

async function terminate(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const waitFor = (ms: number) => Promise.race([exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), ms))]);
  child.kill("SIGTERM");
  if (await waitFor(5_000)) return;
  child.kill("SIGKILL");
  await exited;
}
