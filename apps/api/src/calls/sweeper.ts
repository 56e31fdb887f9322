import { dueCallIds } from "@ringback/db/queries/calls";
import type { Logger } from "../logger";
import type { Services } from "../trpc";
import { applyCallEvent } from "./service";

/** Expires every ring whose deadline has passed at `now`; returns how many calls it touched. */
export async function sweepOnce(services: Pick<Services, "db" | "livekit">, now: Date): Promise<number> {
  let touched = 0;
  for (const id of await dueCallIds(services.db, now)) {
    const result = await applyCallEvent(services, id, { type: "expire", now }, { skipLocked: true });
    if ("call" in result && result.changed) touched += 1;
  }
  return touched;
}

/**
 * Turns rings past their stored deadline into timeouts. Every API process runs one: row locks with
 * SKIP LOCKED let them share the work, and a restarted process picks up where the last one stopped.
 */
export function startSweeper(services: Pick<Services, "db" | "livekit">, intervalMs: number, log: Logger) {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await sweepOnce(services, new Date());
    } catch (err) {
      log.error({ err }, "sweeper failed");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
