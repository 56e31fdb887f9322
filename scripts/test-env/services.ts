import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../stack/embedded-postgres";
import { startLocalLivekit } from "../stack/livekit";
import { freeTcpPort } from "../stack/ports";
import { ensureSeaweedfsBinary, startSeaweedfs } from "../stack/seaweedfs";
import { ensureTranscriber, startTranscriber } from "../stack/transcriber";
import type { TestLivekit, TestS3 } from "./provided-context";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

type Teardown = () => Promise<void>;

/** One Postgres for the whole run (tests make their own databases in it), unless DATABASE_URL is set. */
export async function setupPostgres(project: TestProject): Promise<Teardown> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide("databaseAdminUrl", external);
    return async () => undefined;
  }
  const dir = await mkdtemp(join(tmpdir(), "ringback-test-pg-"));
  // As root, Postgres runs as the `postgres` user, which must be able to enter this folder.
  await chmod(dir, 0o755);
  try {
    const pg = await startEmbeddedPostgres({ dataDir: join(dir, "data"), port: await freeTcpPort(), persistent: false });
    project.provide("databaseAdminUrl", pg.adminUrl);
    return async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** One LiveKit server for the whole run, unless LIVEKIT_URL (+ key and secret) is set. */
export async function setupLivekit(project: TestProject): Promise<Teardown> {
  const externalUrl = process.env.LIVEKIT_URL;
  if (externalUrl) {
    const apiSecret = process.env.LIVEKIT_API_SECRET;
    if (!apiSecret) throw new Error("LIVEKIT_URL is set but LIVEKIT_API_SECRET is not");
    const livekit: TestLivekit = { url: externalUrl, apiKey: process.env.LIVEKIT_API_KEY ?? "devkey", apiSecret };
    project.provide("livekit", livekit);
    return async () => undefined;
  }
  const { server, config } = await startLocalLivekit(repoRoot, { apiKey: "testkey" });
  project.provide("livekit", config);
  return () => server.stop();
}

/**
 * One transcriber worker for the whole run (models load once), unless TRANSCRIBER_URL is set
 * (empty: tests that need it skip).
 */
export async function setupTranscriber(project: TestProject): Promise<Teardown> {
  const external = process.env.TRANSCRIBER_URL;
  if (external !== undefined) {
    project.provide("transcriberUrl", external.replace(/\/+$/, ""));
    project.provide("transcriberPython", "");
    return async () => undefined;
  }
  const install = await ensureTranscriber(repoRoot);
  const worker = await startTranscriber({
    install,
    port: await freeTcpPort(),
    // its log only when asked: a line per request drowns the test output
    onLog: process.env.TRANSCRIBER_LOG ? (line) => console.log(`[transcriber] ${line}`) : undefined,
  });
  project.provide("transcriberUrl", worker.url);
  project.provide("transcriberPython", install.python);
  return () => worker.stop();
}

/**
 * One SeaweedFS (S3 gateway, master, volume and filer in one process) for the whole run, on free
 * ports with throw-away data, unless S3_TEST_ENDPOINT (+ S3_TEST_ACCESS_KEY_ID,
 * S3_TEST_SECRET_ACCESS_KEY, S3_TEST_BUCKET, S3_TEST_REGION) points at another S3-compatible store.
 */
export async function setupSeaweedfs(project: TestProject): Promise<Teardown> {
  const external = process.env.S3_TEST_ENDPOINT;
  if (external) {
    const s3: TestS3 = {
      endpoint: external,
      region: process.env.S3_TEST_REGION ?? "us-east-1",
      accessKeyId: process.env.S3_TEST_ACCESS_KEY_ID ?? "",
      secretAccessKey: process.env.S3_TEST_SECRET_ACCESS_KEY ?? "",
      bucket: process.env.S3_TEST_BUCKET ?? "ringback-test",
    };
    if (!s3.accessKeyId || !s3.secretAccessKey) throw new Error("S3_TEST_ENDPOINT is set but S3_TEST_ACCESS_KEY_ID or S3_TEST_SECRET_ACCESS_KEY is not");
    project.provide("s3", s3);
    return async () => undefined;
  }
  const dir = await mkdtemp(join(tmpdir(), "ringback-test-s3-"));
  try {
    const keys = { accessKey: "ringbacktest", secretKey: randomBytes(20).toString("hex") };
    const bucket = "ringback-test";
    const store = await startSeaweedfs({
      binary: await ensureSeaweedfsBinary(repoRoot, (line) => console.log(line)),
      dataDir: dir,
      s3Port: await freeTcpPort(),
      masterPort: await freeTcpPort(),
      volumePort: await freeTcpPort(),
      filerPort: await freeTcpPort(),
      grpcPorts: { master: await freeTcpPort(), volume: await freeTcpPort(), filer: await freeTcpPort(), s3: await freeTcpPort() },
      ...keys,
      bucket,
      onLog: process.env.SEAWEEDFS_LOG ? (line) => console.log(`[seaweedfs] ${line}`) : undefined,
    });
    project.provide("s3", { endpoint: store.endpoint, region: "us-east-1", accessKeyId: keys.accessKey, secretAccessKey: keys.secretKey, bucket });
    return async () => {
      await store.stop();
      await rm(dir, { recursive: true, force: true });
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Several setups at once, as one step (SeaweedFS starts while the transcriber loads its models); if
 * one fails, the others that started are undone.
 */
export function inParallel(...steps: Array<(project: TestProject) => Promise<Teardown>>): (project: TestProject) => Promise<Teardown> {
  return async (project) => {
    const results = await Promise.allSettled(steps.map((step) => step(project)));
    const teardowns = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const teardown = async (): Promise<void> => {
      await Promise.all(teardowns.map((t) => t()));
    };
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
      await teardown();
      throw failed.reason;
    }
    return teardown;
  };
}

/** Runs the setups in order and returns one teardown that undoes them in reverse, also after a failure. */
export async function setupAll(project: TestProject, steps: Array<(project: TestProject) => Promise<Teardown>>): Promise<Teardown> {
  const teardowns: Teardown[] = [];
  const teardown = async (): Promise<void> => {
    for (const step of teardowns.reverse()) await step();
  };
  try {
    for (const step of steps) teardowns.push(await step(project));
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
