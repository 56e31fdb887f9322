// Runs the whole Ringback stack on one machine: Postgres, LiveKit, the transcriber, the API and the web app.
// `./ringback start` execs this; Playwright runs it with `--profile test`.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runMigrations } from "@ringback/db/migrate";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { ensureLivekitBinary, startLivekit } from "./livekit";
import { startCaddy, waitForHttps } from "./caddy";
import { startClusterProxy } from "./cluster-proxy";
import { startRedis } from "./redis";
import { ensureSeaweedfsBinary, startSeaweedfs } from "./seaweedfs";
import { PROFILES, type Profile } from "./profiles";
import { assertTcpPortFree, envPort, waitForHttp } from "./ports";
import { findCertificate, livekitPublicConfig, planPublic } from "./public";
import { createSupervisor } from "./supervisor";
import { ensureTranscriber, transcriberCommand } from "./transcriber";
import { startTurnTls } from "./turn-tls";
import { vapidEnv } from "./vapid";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

type Options = { profile: Profile; publicUrl: string | undefined };

function parseArgs(argv: string[]): Options {
  let profile: Profile = PROFILES.default;
  let publicUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--profile" || arg?.startsWith("--profile=")) {
      const value = arg === "--profile" ? argv[++i] : arg.slice("--profile=".length);
      if (!value || !Object.hasOwn(PROFILES, value)) {
        throw new Error(`Unknown profile "${value ?? ""}" (use ${Object.keys(PROFILES).join(", ")})`);
      }
      profile = PROFILES[value as Profile["name"]];
    } else if (arg === "--public" || arg?.startsWith("--public=")) {
      publicUrl = arg === "--public" ? argv[++i] : arg.slice("--public=".length);
      if (!publicUrl) throw new Error("--public needs a URL, e.g. --public https://calls.example.org");
    } else if (arg === "--help" || arg === "-h") {
      console.log(`Usage: stack [--profile ${Object.keys(PROFILES).join("|")}] [--public https://host[:port]]`);
      process.exit(0);
    } else {
      throw new Error(`Unknown argument "${arg}"`);
    }
  }
  // PUBLIC_URL=https://… means public mode too (an http:// PUBLIC_URL only names the address)
  if (publicUrl && profile.name !== "default") throw new Error(`--public does not go with --profile ${profile.name}`);
  const fromEnv = profile.name === "default" && process.env.PUBLIC_URL?.startsWith("https://") ? process.env.PUBLIC_URL : undefined;
  publicUrl ??= profile.public?.url ?? fromEnv;
  return { profile, publicUrl };
}

/** Reads a secret kept in the data dir, creating it on first run so restarts keep sessions valid. */
async function persistedSecret(file: string, length: number): Promise<string> {
  try {
    const existing = (await readFile(file, "utf8")).trim();
    if (existing.length >= length) return existing;
  } catch {
    // first run
  }
  const secret = randomBytes(length).toString("base64url").slice(0, length);
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The named variables that are set, to hand on to a child as they are. */
function passThrough(names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

type Supervisor = ReturnType<typeof createSupervisor>;

async function main(): Promise<void> {
  const supervisor = createSupervisor((line) => console.log(`[stack] ${line}`));
  try {
    await run(parseArgs(process.argv.slice(2)), supervisor);
  } catch (error) {
    console.error(`[stack] ${error instanceof Error ? error.message : String(error)}`);
    await supervisor.shutdown(1);
  }
}

async function run({ profile, publicUrl: publicArg }: Options, supervisor: Supervisor): Promise<void> {
  const log = supervisor.prefixer("stack");
  const webPort = envPort("WEB_PORT", profile.webPort);
  const apiPort = envPort("API_PORT", profile.apiPort);
  // the test profile uses only its own settings, whatever this shell has set
  const env = profile.public ? {} : process.env;
  const plan = publicArg ? await planPublic(publicArg, env, profile.public?.defaults) : undefined;
  const publicUrl = plan?.origin ?? (process.env.PUBLIC_URL || `http://localhost:${webPort}`).replace(/\/+$/, "");
  const apiUrl = (process.env.API_URL || `http://127.0.0.1:${apiPort}`).replace(/\/+$/, "");
  // TRANSCRIBER_URL set: a worker running elsewhere, or (empty) no transcripts; unset: start ours.
  // The public test stack has none (its tests make calls, not voicemails).
  if (profile.name === "public-test" || profile.noTranscriber) process.env.TRANSCRIBER_URL = "";
  const cluster = profile.cluster;
  if (cluster && process.env.LIVEKIT_URL) throw new Error(`--profile ${profile.name} runs its own LiveKit nodes; unset LIVEKIT_URL`);
  // A cluster keeps media in SeaweedFS (S3) unless S3_BUCKET names another store, or is empty: then
  // the API processes share local files under MEDIA_DIR.
  const ownS3 = Boolean(cluster) && process.env.S3_BUCKET === undefined;
  const externalTranscriber = process.env.TRANSCRIBER_URL !== undefined;
  const transcriberPort = envPort("TRANSCRIBER_PORT", profile.transcriberPort);

  const webBuild = join(repoRoot, "apps", "web", ".next", "BUILD_ID");
  if (!existsSync(webBuild)) {
    throw new Error("The web app is not built: run `pnpm --filter @ringback/web build` (./ringback start does it for you).");
  }

  // Check every port we are about to bind before starting anything: a clash found half-way leaves
  // a confusing trail of half-started servers.
  const ports: Array<[string, number]> = [
    ["WEB_PORT", webPort],
    ["API_PORT", apiPort],
  ];
  if (!process.env.DATABASE_URL) ports.push(["Postgres", profile.postgresPort]);
  if (!process.env.LIVEKIT_URL) ports.push(["LiveKit", profile.livekit.port], ["LiveKit TCP", profile.livekit.tcpPort]);
  if (!externalTranscriber) ports.push(["TRANSCRIBER_PORT", transcriberPort]);
  if (cluster) {
    ports.push(
      ["API process 1", cluster.apiPorts[0]],
      ["API process 2", cluster.apiPorts[1]],
      ["Redis", cluster.redisPort],
      ["LiveKit node b", cluster.livekitB.port],
      ["LiveKit node b TCP", cluster.livekitB.tcpPort],
    );
    if (ownS3) {
      const { s3Port, masterPort, volumePort, filerPort } = cluster.s3;
      ports.push(["SeaweedFS S3", s3Port], ["SeaweedFS master", masterPort], ["SeaweedFS volume", volumePort], ["SeaweedFS filer", filerPort]);
    }
  }
  const publicPorts: Array<[string, number]> = [];
  if (plan) {
    if (process.env.LIVEKIT_URL) throw new Error("--public runs its own LiveKit (with TURN); unset LIVEKIT_URL");
    publicPorts.push(["HTTPS", plan.httpsPort]);
    if (plan.httpPort !== null) publicPorts.push(["HTTP_PORT", plan.httpPort]);
    if (plan.turn.tlsPort !== null) publicPorts.push(["TURN_TLS_PORT", plan.turn.tlsPort], ["TURN_TLS_PORT + 1 (LiveKit's plain TURN behind it)", plan.turn.tlsPort + 1]);
  }
  for (const [name, port] of publicPorts) {
    await assertTcpPortFree(port, plan?.bindAddress ?? "0.0.0.0").catch((error: unknown) => {
      throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  for (const [name, port] of ports) {
    await assertTcpPortFree(port).catch((error: unknown) => {
      throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  if (profile.fresh) await rm(profile.dataDir, { recursive: true, force: true });
  await mkdir(profile.dataDir, { recursive: true });
  // As root, Postgres runs as the `postgres` user, which must be able to enter the data dir (when
  // it cannot reach the clone at all, the wrapper keeps the cluster elsewhere and links it here).
  await chmod(profile.dataDir, 0o755);
  log(`profile ${profile.name}, data in ${profile.dataDir}`);
  supervisor.setStateFile(join(profile.dataDir, "services.json"));

  supervisor.installSignalHandlers();

  const authSecret = process.env.AUTH_SECRET || (await persistedSecret(join(profile.dataDir, "auth-secret"), 48));

  // the cluster's media store, shared by both API processes
  let s3Env: Record<string, string> = passThrough([
    "S3_BUCKET",
    "S3_ENDPOINT",
    "S3_PUBLIC_ENDPOINT",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_FORCE_PATH_STYLE",
    "MEDIA_URL_TTL_SECONDS",
  ]);
  let weedReady: Promise<unknown> = Promise.resolve();
  if (cluster && ownS3) {
    const s3Options = {
      binary: await ensureSeaweedfsBinary(repoRoot, log),
      dataDir: join(profile.dataDir, "seaweedfs"),
      ...cluster.s3,
      accessKey: "ringback",
      secretKey: await persistedSecret(join(profile.dataDir, "s3-secret"), 40),
      bucket: "ringback-media",
      onLog: supervisor.prefixer("seaweedfs"),
    };
    // started first and awaited last: it takes longer than Postgres, Redis and LiveKit together
    weedReady = supervisor.starting("seaweedfs", startSeaweedfs(s3Options), () => startSeaweedfs(s3Options)).then((weed) => {
      log(`seaweedfs ready at ${weed.endpoint} (bucket ${s3Options.bucket})`);
      return weed.endpoint;
    });
    // awaited below; a failure before then must not surface as an unhandled rejection
    weedReady.catch(() => undefined);
    s3Env = {
      ...s3Env,
      S3_BUCKET: s3Options.bucket,
      S3_ENDPOINT: `http://127.0.0.1:${cluster.s3.s3Port}`,
      S3_ACCESS_KEY_ID: s3Options.accessKey,
      S3_SECRET_ACCESS_KEY: s3Options.secretKey,
    };
  }

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pgOptions = {
      dataDir: join(profile.dataDir, "postgres"),
      port: profile.postgresPort,
      // A throw-away profile's cluster also goes at stop, so none piles up outside the clone.
      persistent: !profile.fresh,
      handleSignals: false,
      onLog: supervisor.prefixer("postgres"),
    };
    // The folder was wiped above, but a relocated cluster lives outside it; a restart after a
    // crash keeps the data, of course.
    const pg = await startEmbeddedPostgres({ ...pgOptions, fresh: profile.fresh });
    supervisor.add({ name: "postgres", ...pg, restart: () => startEmbeddedPostgres({ ...pgOptions, fresh: false }) });
    databaseUrl = pg.url;
    log(`postgres ready on port ${profile.postgresPort}`);
  }
  await runMigrations(databaseUrl);
  log("migrations applied");

  // the cluster's LiveKit nodes share rooms and their message bus through Redis
  let redisAddress: string | undefined;
  if (cluster) {
    const redisOptions = { port: cluster.redisPort, dir: join(profile.dataDir, "redis"), onLog: supervisor.prefixer("redis") };
    const redis = await startRedis(redisOptions);
    supervisor.add({ name: "redis", ...redis, restart: () => startRedis(redisOptions) });
    redisAddress = redis.address;
    log(`redis ready on port ${cluster.redisPort}`);
  }
  const livekitNodeUrls: string[] = [];

  let livekitUrl = process.env.LIVEKIT_URL;
  const livekitApiKey = process.env.LIVEKIT_API_KEY || "devkey";
  let livekitApiSecret = process.env.LIVEKIT_API_SECRET;
  if (livekitUrl) {
    if (!livekitApiSecret) throw new Error("LIVEKIT_URL is set, so LIVEKIT_API_SECRET must be set too");
  } else {
    livekitApiSecret ||= await persistedSecret(join(profile.dataDir, "livekit-secret"), 40);
    // TURN/TLS: our front ends TLS and passes plain TURN over TCP to LiveKit on the next port (LiveKit
    // listens there on every interface, as for TURN/UDP: that port stays closed in the firewall)
    const turnTlsInternalPort = plan?.turn.tlsPort != null ? plan.turn.tlsPort + 1 : null;
    const binary = await ensureLivekitBinary(repoRoot, log);
    const nodes = cluster
      ? ([["livekit-a", profile.livekit], ["livekit-b", cluster.livekitB]] as const)
      : ([["livekit", profile.livekit]] as const);
    for (const [name, nodePorts] of nodes) {
      const livekitOptions = {
        binary,
        ...nodePorts,
        apiKey: livekitApiKey,
        apiSecret: livekitApiSecret,
        // in a cluster both nodes post to the proxy, and either API process takes it
        webhookUrl: `${apiUrl}/livekit/webhook`,
        redisAddress,
        onLog: supervisor.prefixer(name),
        publicConfig: plan ? livekitPublicConfig(plan, turnTlsInternalPort) : undefined,
      };
      const livekit = await startLivekit(livekitOptions);
      supervisor.add({ name, ...livekit, restart: () => startLivekit(livekitOptions) });
      livekitNodeUrls.push(livekit.url);
      log(`${name} ready at ${livekit.url}`);
    }
    // the server API goes to node a; with Redis, any node reaches every room
    livekitUrl = livekitNodeUrls[0] ?? "";
    if (plan) {
      const caddyStorage = join(profile.dataDir, "caddy");
      await startCaddy({ plan, storageDir: caddyStorage, webPort, livekitPort: profile.livekit.port, supervisor, log });
      if (plan.turn.tlsPort !== null && turnTlsInternalPort !== null) {
        const turnTls = await startTurnTls({
          port: plan.turn.tlsPort,
          host: plan.bindAddress ?? undefined,
          target: { host: "127.0.0.1", port: turnTlsInternalPort },
          certificate: () => findCertificate(caddyStorage, plan.host),
          log: supervisor.prefixer("turn-tls"),
        });
        supervisor.add({ name: "turn-tls", stop: turnTls.close });
      }
      log(
        `TURN on ${plan.nodeIp}: UDP ${plan.turn.udpPort}` +
          (plan.turn.tlsPort !== null ? `, TLS ${plan.host}:${plan.turn.tlsPort}` : " (no TURN/TLS for an IP address)"),
      );
    }
  }

  let transcriberUrl = (process.env.TRANSCRIBER_URL ?? "").replace(/\/+$/, "");
  let transcriberReady: Promise<void> = Promise.resolve();
  if (!externalTranscriber) {
    // Installed by ./ringback start; this only checks (or installs, for a bare `serve`).
    const install = await ensureTranscriber(repoRoot, log);
    const worker = supervisor.spawn({
      name: "transcriber",
      ...transcriberCommand({ install, port: transcriberPort }),
      // a live voicemail gets its last words and its "ended" posted before the worker goes
      stopTimeoutMs: 15_000,
      ready: (aborted) => waitForHttp(`http://127.0.0.1:${transcriberPort}/healthz`, { timeoutMs: 120_000, okOnly: true, aborted }),
    });
    transcriberUrl = `http://127.0.0.1:${transcriberPort}`;
    // The API starts while the models load: it only calls the worker when a message needs it.
    const url = transcriberUrl;
    transcriberReady = waitForHttp(`${url}/healthz`, { timeoutMs: 120_000, okOnly: true, aborted: worker.failure }).then(() =>
      log(`transcriber ready at ${url}`),
    );
    // awaited below; a failure before then must not surface as an unhandled rejection
    transcriberReady.catch(() => undefined);
  } else {
    log(transcriberUrl ? `transcriber: ${transcriberUrl} (external)` : "transcriber: off (TRANSCRIBER_URL is empty)");
  }

  const vapid = await vapidEnv(profile.dataDir);
  const apiEnv = (port: number): Record<string, string> => ({
    DATABASE_URL: databaseUrl,
    LIVEKIT_URL: livekitUrl,
    LIVEKIT_API_KEY: livekitApiKey,
    LIVEKIT_API_SECRET: livekitApiSecret,
    // a cluster spreads people over its nodes (core's livekitNodeFor)
    ...(cluster ? { LIVEKIT_NODE_URLS: livekitNodeUrls.join(",") } : passThrough(["LIVEKIT_NODE_URLS"])),
    AUTH_SECRET: authSecret,
    API_PORT: String(port),
    API_URL: apiUrl,
    PUBLIC_URL: publicUrl,
    ...(plan ? { LIVEKIT_PUBLIC_URL: plan.livekitPublicUrl } : passThrough(["LIVEKIT_PUBLIC_URL"])),
    TRANSCRIBER_URL: transcriberUrl,
    ...passThrough(["TRANSCRIPTION_API_URL", "TRANSCRIPTION_API_KEY", "TRANSCRIPTION_MODEL"]),
    MEDIA_DIR: process.env.MEDIA_DIR || join(profile.dataDir, "media"),
    ...s3Env,
    LOG_LEVEL: process.env.LOG_LEVEL || profile.logLevel,
    // Web Push: the key pair, and (optionally) VAPID_SUBJECT
    ...vapid,
  });
  // a cluster runs one process per port behind the proxy on the API port; otherwise one on it
  const apiProcesses = cluster ? cluster.apiPorts.map((port, i) => [`api-${i + 1}`, port] as const) : ([["api", apiPort]] as const);
  const apisReady = apiProcesses.map(([name, port]) => {
    const healthz = `http://127.0.0.1:${port}/healthz`;
    const child = supervisor.spawn({
      name,
      command: process.execPath,
      args: ["--import", "tsx", join(repoRoot, "apps", "api", "src", "main.ts")],
      cwd: repoRoot,
      env: apiEnv(port),
      ready: (aborted) => waitForHttp(healthz, { timeoutMs: 60_000, okOnly: true, aborted }),
    });
    return waitForHttp(healthz, { timeoutMs: 60_000, okOnly: true, aborted: child.failure });
  });
  await Promise.all(apisReady);
  if (cluster) {
    await startClusterProxy({ port: apiPort, upstreamPorts: [...cluster.apiPorts], dataDir: profile.dataDir, supervisor });
    log(`api ready at ${apiUrl} (proxy over ${cluster.apiPorts.map((port) => `127.0.0.1:${port}`).join(", ")})`);
  } else {
    log(`api ready at ${apiUrl}`);
  }
  await transcriberReady;
  // the API processes start while SeaweedFS gets ready (they touch the store only when media moves);
  // the web app comes last, so that a page answering means every part is up and the supervisor
  // treats a crash from then on as one to restart (tests wait for the page, then kill parts)
  await weedReady;

  const web = supervisor.spawn({
    name: "web",
    command: process.execPath,
    // behind Caddy, only Caddy may reach the web server (it sets x-forwarded-for, which the app trusts)
    args: [join(repoRoot, "apps", "web", "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(webPort), ...(plan ? ["-H", "127.0.0.1"] : [])],
    cwd: join(repoRoot, "apps", "web"),
    env: {
      API_URL: apiUrl,
      AUTH_SECRET: authSecret,
      NEXTAUTH_URL: publicUrl,
      NEXTAUTH_SECRET: authSecret,
      PUBLIC_URL: publicUrl,
      PORT: String(webPort),
      NODE_ENV: "production",
    },
    ready: (aborted) => waitForHttp(`http://127.0.0.1:${webPort}/`, { timeoutMs: 60_000, aborted }),
  });
  await waitForHttp(`http://127.0.0.1:${webPort}/`, { timeoutMs: 60_000, aborted: web.failure });
  if (plan) {
    await waitForHttps(plan, 60_000).catch((error: unknown) =>
      log(`warning: ${publicUrl} does not answer through Caddy yet (${error instanceof Error ? error.message : String(error)})`),
    );
  }

  supervisor.markReady();
  console.log(`\nRingback is running at ${publicUrl}\n`);
}

await main();
