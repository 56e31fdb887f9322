import { and, asc, eq, gt, sql as sqlTag } from "drizzle-orm";
import type { Database } from "../client";
import { events } from "../schema";

export const EVENTS_CHANNEL = "ringback_events";

export type EventInput = { userId: string; type: string; payload: Record<string, unknown> };
export type StoredEvent = { id: string; userId: string; type: string; payload: Record<string, unknown>; createdAt: Date };

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Stores events and NOTIFYs them in the caller's transaction, so an event is visible (and announced)
 * only if the change it describes committed.
 *
 * Subscribers resume "after id N", which is only safe if each person's event ids become visible in
 * increasing order. A bigserial alone does not promise that (ids are taken at insert, visibility comes
 * at commit), so each recipient is locked until commit: the next transaction for them takes its id
 * after this one is visible.
 */
export async function publishEvents(db: Database | Tx, input: EventInput[]): Promise<StoredEvent[]> {
  if (input.length === 0) return [];
  // a savepoint inside the caller's transaction, or a transaction of its own: the locks need one
  return db.transaction(async (tx) => {
    // one fixed order for everyone, so two transactions never wait on each other's locks
    for (const userId of [...new Set(input.map((e) => e.userId))].sort()) {
      await tx.execute(sqlTag`select pg_advisory_xact_lock(hashtextextended(${`ringback-events:${userId}`}, 0))`);
    }
    const rows = await tx.insert(events).values(input).returning();
    const stored = rows.map(toStored);
    for (const e of stored) {
      await tx.execute(sqlNotify(JSON.stringify({ ...e, createdAt: e.createdAt.toISOString() })));
    }
    return stored;
  });
}

function sqlNotify(payload: string) {
  // pg_notify takes the channel as a value, so the payload is a bound parameter
  return sqlTag`select pg_notify(${EVENTS_CHANNEL}, ${payload})`;
}

/** The newest event id a person has, "0" when none: where a fresh subscription starts. */
export async function latestEventId(db: Database, userId: string): Promise<string> {
  const [row] = await db
    .select({ id: sqlTag<string>`coalesce(max(${events.id}), 0)::text` })
    .from(events)
    .where(eq(events.userId, userId));
  return row?.id ?? "0";
}

/** Events for one person after a given id, oldest first, one page (for resuming a subscription). */
export async function listEventsAfter(db: Database, userId: string, afterId: string, limit = 500) {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.userId, userId), gt(events.id, BigInt(afterId))))
    .orderBy(asc(events.id))
    .limit(limit);
  return rows.map(toStored);
}

function toStored(r: typeof events.$inferSelect): StoredEvent {
  return { id: r.id.toString(), userId: r.userId, type: r.type, payload: r.payload as Record<string, unknown>, createdAt: r.createdAt };
}
