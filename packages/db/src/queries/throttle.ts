import { and, count, eq, gte, inArray, max, sql } from "drizzle-orm";
import type { Database } from "../client";
import { throttleHits } from "../schema";

/** One rate-limit counter: `bucket` names the limit, `key` whom it counts, hits since `since` count. */
export type ThrottleSlot = { bucket: string; key: string; since: Date };
export type SlotState = { count: number; lastAt: Date | null };

/**
 * Reads each slot's hits and, if `allow` says so, records one more hit in every slot, atomically:
 * the slots are locked (transaction-scoped advisory locks, in a fixed order so two attempts can
 * never deadlock), so a burst of parallel attempts is decided one at a time and cannot all slip
 * under a limit. Returns the hit ids, so an attempt that turned out fine can take its hits back.
 */
export async function takeThrottle(
  db: Database,
  slots: ThrottleSlot[],
  now: Date,
  allow: (states: SlotState[]) => boolean,
): Promise<{ allowed: boolean; states: SlotState[]; hitIds: number[] }> {
  return db.transaction(async (tx) => {
    const lockKeys = [...new Set(slots.map((s) => `${s.bucket} ${s.key}`))].sort();
    for (const k of lockKeys) await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${k}, 0))`);
    const states: SlotState[] = [];
    for (const s of slots) {
      const [row] = await tx
        .select({ n: count(), lastAt: max(throttleHits.at) })
        .from(throttleHits)
        .where(and(eq(throttleHits.bucket, s.bucket), eq(throttleHits.key, s.key), gte(throttleHits.at, s.since)));
      states.push({ count: row?.n ?? 0, lastAt: row?.lastAt ?? null });
    }
    if (!allow(states)) return { allowed: false, states, hitIds: [] };
    const rows = await tx
      .insert(throttleHits)
      .values(slots.map((s) => ({ bucket: s.bucket, key: s.key, at: now })))
      .returning({ id: throttleHits.id });
    return { allowed: true, states, hitIds: rows.map((r) => r.id) };
  });
}

/** Takes back hits recorded by `takeThrottle` (an attempt that succeeded is not a failure). */
export async function removeThrottleHits(db: Database, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.delete(throttleHits).where(inArray(throttleHits.id, ids));
}
