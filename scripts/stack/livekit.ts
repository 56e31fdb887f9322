import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { stringify } from "yaml";
import { freeTcpPort, freeUdpPort, waitForHttp } from "./ports";
import { goVersion, isExecutable, runInherited } from "./go-tools";
import { forEachLine } from "./supervisor";

/** The release we build and test against; v1.13.0/1 cannot be `go install`ed (replace directive). */
export const LIVEKIT_VERSION = "v1.13.5";
const LIVEKIT_MODULE = "github.com/livekit/livekit-server/cmd/server";
const MIN_GO = [1, 26] as const;

/**
 * Finds a livekit-server binary: $LIVEKIT_SERVER_BIN, then `livekit-server` on PATH, then
 * `.tools/bin/livekit-server`; otherwise builds the pinned release with the machine's Go.
 */
export async function ensureLivekitBinary(repoRoot: string, log: (line: string) => void = console.log): Promise<string> {
  const fromEnv = process.env.LIVEKIT_SERVER_BIN;
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) throw new Error(`LIVEKIT_SERVER_BIN=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const onPath = await findOnPath("livekit-server");
  if (onPath) return onPath;

  const binDir = join(repoRoot, ".tools", "bin");
  const target = join(binDir, "livekit-server");
  if (await isExecutable(target)) return target;

  const go = await goVersion();
  if (!go) {
    throw new Error(
      `livekit-server was not found (not on PATH, not in ${target}) and Go is not installed to build it.\n` +
        `Install Go ${MIN_GO.join(".")}+ (https://go.dev/dl/) and retry, put a livekit-server ${LIVEKIT_VERSION} binary on PATH, ` +
        `or point LIVEKIT_URL/LIVEKIT_API_KEY/LIVEKIT_API_SECRET at an existing LiveKit server.`,
    );
  }
  if (go.major < MIN_GO[0] || (go.major === MIN_GO[0] && go.minor < MIN_GO[1])) {
    throw new Error(`livekit-server ${LIVEKIT_VERSION} needs Go ${MIN_GO.join(".")}+, found go${go.major}.${go.minor}`);
  }

  // Build into a private folder and rename: go names the binary `server`, and a half-written
  // binary must never sit at the path we look for.
  await mkdir(binDir, { recursive: true });
  const buildDir = await mkdtemp(join(repoRoot, ".tools", "build-"));
  log(`Building livekit-server ${LIVEKIT_VERSION} with go${go.major}.${go.minor} (one-off, about 2 minutes)...`);
  const started = Date.now();
  // `go install` is silent while compiling; say something so nobody thinks it hung.
  const heartbeat = setInterval(() => log(`  still building livekit-server (${Math.round((Date.now() - started) / 1000)} s)...`), 20_000);
  try {
    await runInherited("go", ["install", `${LIVEKIT_MODULE}@${LIVEKIT_VERSION}`], {
      ...process.env,
      GOBIN: buildDir,
      CGO_ENABLED: "0",
      GOFLAGS: [process.env.GOFLAGS, "-buildvcs=false"].filter(Boolean).join(" "),
    });
    await rename(join(buildDir, "server"), target);
  } finally {
    clearInterval(heartbeat);
    await rm(buildDir, { recursive: true, force: true });
  }
  log(`Built ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
  return target;
}

export type LivekitOptions = {
  binary: string;
  /** HTTP/WebSocket signalling port (clients connect to ws://127.0.0.1:port). */
  port: number;
  /** ICE over TCP, the fallback when UDP is blocked. */
  tcpPort: number;
  /** ICE over UDP, a single muxed port. */
  udpPort: number;
  apiKey: string;
  apiSecret: string;
  /** Where the server POSTs signed webhooks (room_started, participant_joined, ...). */
  webhookUrl?: string;
  /** Appends the server log here. */
  logFile?: string;
  /** Receives each server log line (e.g. to prefix and print it). */
  onLog?: (line: string) => void;
  /** Seconds a room lingers after the last participant leaves (room_finished follows). Default 5. */
  departureTimeoutSeconds?: number;
  /** Seconds an explicitly created room waits for its first participant. Default 30. */
  emptyTimeoutSeconds?: number;
  startTimeoutMs?: number;
  /** host:port of the Redis that makes this one node of a multi-node cluster (rooms, message bus). */
  redisAddress?: string;
  /** Public mode (public.ts): the node address and TURN, merged over the loopback settings. */
  publicConfig?: { rtc: Record<string, unknown>; turn: Record<string, unknown> };
};

export type LivekitHandle = {
  /** ws://127.0.0.1:PORT, what clients and the server SDK are given. */
  url: string;
  pid: number | undefined;
  /** Resolves when the process has exited (also unexpectedly). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
};

/** The server config for a single node on loopback (see SETUP-NOTES: LiveKit server). */
export function livekitConfig(opts: LivekitOptions): Record<string, unknown> {
  if (opts.apiSecret.length < 32) throw new Error("LiveKit API secret must be at least 32 characters");
  return {
    port: opts.port,
    bind_addresses: ["127.0.0.1"],
    // info logs every SDP and webhook; warnings and errors are what a person running this needs
    log_level: process.env.LIVEKIT_LOG_LEVEL || "warn",
    rtc: {
      tcp_port: opts.tcpPort,
      udp_port: opts.udpPort,
      use_external_ip: false,
      node_ip: "127.0.0.1",
      // Without this the server drops loopback candidates and browsers on this machine never connect.
      enable_loopback_candidate: true,
      // ICE on 127.0.0.1 alone. With node_ip set, LiveKit advertises every interface's socket under
      // that one address, and keeps just one of these same-address candidates per call: which one is
      // decided by Go's random map order once per start. A call then runs on, say, eth0's socket
      // while advertising 127.0.0.1, and a TURN relay (allowed to reach the node address only) can
      // reach neither: relayed calls failed on about half of all starts.
      ips: { includes: ["127.0.0.1/32"] },
      // No public STUN: nothing here is reachable from outside anyway, and lookups only slow ICE down.
      stun_servers: [],
      ...opts.publicConfig?.rtc,
    },
    ...(opts.publicConfig ? { turn: opts.publicConfig.turn } : {}),
    keys: { [opts.apiKey]: opts.apiSecret },
    room: {
      departure_timeout: opts.departureTimeoutSeconds ?? 5,
      empty_timeout: opts.emptyTimeoutSeconds ?? 30,
      // calls.start creates every room; a token that outlives its call must not bring the room back
      auto_create: false,
    },
    ...(opts.webhookUrl ? { webhook: { api_key: opts.apiKey, urls: [opts.webhookUrl] } } : {}),
    ...(opts.redisAddress ? { redis: { address: opts.redisAddress } } : {}),
  };
}

/** Starts livekit-server with a generated config and resolves once its HTTP port answers. */
export async function startLivekit(opts: LivekitOptions): Promise<LivekitHandle> {
  const configDir = await mkdtemp(join(tmpdir(), "ringback-livekit-"));
  const configFile = join(configDir, "livekit.yaml");
  // The file holds the API secret.
  await writeFile(configFile, stringify(livekitConfig(opts)), { mode: 0o600 });

  const recent: string[] = [];
  let logStream: WriteStream | undefined;
  if (opts.logFile) logStream = createWriteStream(opts.logFile, { flags: "a" });
  const onLine = (line: string): void => {
    recent.push(line);
    if (recent.length > 40) recent.shift();
    opts.onLog?.(line);
  };

  const child = spawn(opts.binary, ["--config", configFile], { stdio: ["ignore", "pipe", "pipe"] });
  // If our process ends without calling stop() (a crash, process.exit), the server must not keep its ports.
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  for (const stream of [child.stdout, child.stderr]) {
    if (logStream) stream.pipe(logStream, { end: false });
    forEachLine(stream, onLine);
  }

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.once("error", (error) => {
      onLine(`failed to run ${opts.binary}: ${error.message}`);
      exitInfo = { code: null, signal: null };
      resolve(exitInfo);
    });
  });
  const cleanup = async (): Promise<void> => {
    process.off("exit", killOnExit);
    logStream?.end();
    await rm(configDir, { recursive: true, force: true });
  };

  const stop = async (): Promise<void> => {
    await terminate(child, exited);
    await cleanup();
  };

  try {
    await waitForHttp(`http://127.0.0.1:${opts.port}/`, {
      timeoutMs: opts.startTimeoutMs ?? 15_000,
      aborted: () => (exitInfo ? `livekit-server exited during start-up (code ${exitInfo.code ?? exitInfo.signal})` : undefined),
    });
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`LiveKit failed to start: ${reason}\n${recent.join("\n")}`);
  }
  // The server has read its config by the time it answers; the file holds the API secret and
  // would be left behind in /tmp whenever we are killed without a chance to clean up.
  await rm(configDir, { recursive: true, force: true });
  return { url: `ws://127.0.0.1:${opts.port}`, pid: child.pid, exited, stop };
}

/** SIGTERM makes LiveKit wait for participants to leave; a second one forces it, then SIGKILL. */
async function terminate(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const waitFor = (ms: number) =>
    Promise.race([exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), ms))]);
  child.kill("SIGTERM");
  if (await waitFor(1_000)) return;
  child.kill("SIGTERM");
  if (await waitFor(4_000)) return;
  child.kill("SIGKILL");
  await exited;
}


async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * A throw-away LiveKit server on free loopback ports with a random secret: what tests and
 * benchmarks use.
 */
export async function startLocalLivekit(repoRoot: string, opts: { apiKey?: string; webhookUrl?: string } = {}) {
  const apiKey = opts.apiKey ?? "localkey";
  const apiSecret = randomBytes(24).toString("hex");
  const server = await startLivekit({
    binary: await ensureLivekitBinary(repoRoot),
    port: await freeTcpPort(),
    tcpPort: await freeTcpPort(),
    udpPort: await freeUdpPort(),
    apiKey,
    apiSecret,
    webhookUrl: opts.webhookUrl,
  });
  return { server, config: { url: server.url, apiKey, apiSecret } };
}
