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
 */
export async function publishEvents(tx: Database | Tx, input: EventInput[]): Promise<StoredEvent[]> {
  if (input.length === 0) return [];
  const rows = await tx.insert(events).values(input).returning();
  const stored = rows.map(toStored);
  for (const e of stored) {
    await tx.execute(sqlNotify(JSON.stringify({ ...e, createdAt: e.createdAt.toISOString() })));
  }
  return stored;
}

function sqlNotify(payload: string) {
  // pg_notify takes the channel as a value, so the payload is a bound parameter
  return sqlTag`select pg_notify(${EVENTS_CHANNEL}, ${payload})`;
}

/** Events for one person after a given id, oldest first (for resuming a subscription). */
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
