import { pruneBefore } from "@ringback/db/queries/maintenance";
import type { Database } from "@ringback/db/client";
import { SIGN_IN_WINDOW_MS } from "./auth/sign-in-throttle";
import type { Logger } from "./logger";

const DAY_MS = 24 * 60 * 60_000;
/** Events older than this are gone: a client away longer reloads state instead of replaying. */
export const EVENT_RETENTION_MS = 7 * DAY_MS;

/** Hourly clean-up; several API processes running it at once only repeat a cheap delete. */
export function startMaintenance(db: Database, log: Logger, intervalMs = 60 * 60_000) {
  const run = async () => {
    const now = Date.now();
    try {
      // throttle hits are kept as long as the longest window that counts them (sign-in, a day)
      await pruneBefore(db, { events: new Date(now - EVENT_RETENTION_MS), throttleHits: new Date(now - SIGN_IN_WINDOW_MS), sessions: new Date(now) });
    } catch (err) {
      log.error({ err }, "maintenance failed");
    }
  };
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
