import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "@playwright/test";

/*
 * The running stack as the fault tests see it: the supervisor's services.json (scripts/stack/
 * supervisor.ts: each service's pid and restart count, rewritten on every start and restart), and
 * the ports of the cluster-test profile (scripts/stack/profiles.ts).
 */

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
/** FAULTS_DATA_DIR: the stack's data dir, when the layer runs against another profile. */
export const dataDir = process.env.FAULTS_DATA_DIR ?? join(repoRoot, ".data", "cluster-test");

export const API_PROXY = "http://127.0.0.1:3401";
export const API_PROCESSES = { "api-1": "http://127.0.0.1:3411", "api-2": "http://127.0.0.1:3412" } as const;

export type ServiceState = { pid: number; restarts: number; startedAt: string };

export function services(): Record<string, ServiceState> {
  return JSON.parse(readFileSync(join(dataDir, "services.json"), "utf8")) as Record<string, ServiceState>;
}

export function service(name: string): ServiceState {
  const state = services()[name];
  if (!state) throw new Error(`no service "${name}" in ${dataDir}/services.json (have: ${Object.keys(services()).join(", ")})`);
  return state;
}

/** SIGKILLs a service's process (as a crash would end it); returns its state from before. */
export function kill(name: string): ServiceState {
  const before = service(name);
  process.kill(before.pid, "SIGKILL");
  return before;
}

/** Waits until the supervisor has started the service again (a new pid, one restart more); returns how long that took. */
export async function waitForRestart(name: string, before: ServiceState, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  await expect
    .poll(
      () => {
        const now = services()[name];
        return Boolean(now && now.restarts > before.restarts && now.pid !== before.pid);
      },
      { timeout: timeoutMs, intervals: [100], message: `the supervisor should restart ${name}` },
    )
    .toBe(true);
  return Date.now() - started;
}

/** Polls `probe` until it answers true; returns how long that took. */
export async function waitUntil(probe: () => Promise<boolean>, message: string, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  await expect.poll(() => probe().catch(() => false), { timeout: timeoutMs, intervals: [100], message }).toBe(true);
  return Date.now() - started;
}

/** A figure for the report: one line the layer's output keeps. */
export function note(line: string): void {
  console.log(`[faults] ${line}`);
}
