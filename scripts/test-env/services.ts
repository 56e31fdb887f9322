import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../stack/embedded-postgres";
import { startLocalLivekit } from "../stack/livekit";
import { freeTcpPort } from "../stack/ports";
import { ensureTranscriber, startTranscriber } from "../stack/transcriber";
import type { TestLivekit } from "./provided-context";

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
