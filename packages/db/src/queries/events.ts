import { and, asc, eq, gt, sql as sqlTag } from "drizzle-orm";
import { encodeRealtimeEvent, type RealtimeEvent } from "@ringback/core/events";
import type { Database } from "../client";
import { eventCounters, events } from "../schema";

export const EVENTS_CHANNEL = "ringback_events";

/** An event for one person: only the types the core's event union defines can be published. */
export type EventInput = { userId: string; event: RealtimeEvent };
/**
 * A stored event as read back: `type` and `payload` are the JSON form, unchecked (a row may be older
 * than this code); readers parse them with the core's `parseRealtimeEvent`.
 */
export type StoredEvent = { id: string; userId: string; type: string; payload: unknown; createdAt: Date };

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Stores events and NOTIFYs them in the caller's transaction, so an event is visible (and announced)
 * only if the change it describes committed.
 *
 * Each person's events are numbered by their own sequence (`seq`), which is the id clients see: a
 * global counter would let anyone count other people's events between two of their own. Subscribers
 * resume "after seq N", which is only safe if each person's numbers become visible in increasing
 * order: taking numbers locks the person's counter row until commit, so the next transaction for
 * them numbers its events after this one is visible.
 */
export async function publishEvents(db: Database | Tx, input: EventInput[]): Promise<StoredEvent[]> {
  if (input.length === 0) return [];
  // a savepoint inside the caller's transaction, or a transaction of its own: the locks need one
  return db.transaction(async (tx) => {
    const byUser = new Map<string, EventInput[]>();
    for (const e of input) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
    const rows: Array<typeof events.$inferInsert> = [];
    // one fixed order for everyone, so two transactions never wait on each other's locks
    for (const userId of [...byUser.keys()].sort()) {
      const mine = byUser.get(userId) ?? [];
      const [counter] = await tx
        .insert(eventCounters)
        .values({ userId, lastSeq: BigInt(mine.length) })
        .onConflictDoUpdate({ target: eventCounters.userId, set: { lastSeq: sqlTag`${eventCounters.lastSeq} + ${mine.length}` } })
        .returning({ lastSeq: eventCounters.lastSeq });
      const first = (counter?.lastSeq ?? BigInt(mine.length)) - BigInt(mine.length) + 1n;
      mine.forEach(({ event }, i) => {
        const json = encodeRealtimeEvent(event);
        rows.push({ userId, seq: first + BigInt(i), type: json.type, payload: json.payload });
      });
    }
    const stored = (await tx.insert(events).values(rows).returning()).map(toStored);
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

/** The newest event id (seq) a person has, "0" when none: where a fresh subscription starts. */
export async function latestEventId(db: Database, userId: string): Promise<string> {
  const [row] = await db.select({ lastSeq: eventCounters.lastSeq }).from(eventCounters).where(eq(eventCounters.userId, userId));
  return (row?.lastSeq ?? 0n).toString();
}

/** Events for one person after a given id (their own seq), oldest first, one page (for resuming a subscription). */
export async function listEventsAfter(db: Database, userId: string, afterId: string, limit = 500) {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.userId, userId), gt(events.seq, BigInt(afterId))))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows.map(toStored);
}

function toStored(r: typeof events.$inferSelect): StoredEvent {
  // the per-person seq is the only id that leaves the database
  return { id: r.seq.toString(), userId: r.userId, type: r.type, payload: r.payload, createdAt: r.createdAt };
}
