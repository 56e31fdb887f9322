import { and, desc, eq, inArray, ne, or, sql } from "drizzle-orm";
import type { Database } from "../client";
import { libraryItems, users } from "../schema";
import type { Tx } from "./calls";
import type { LibraryItemRow } from "./library";

/*
 * The Library's lists: a person's items page by page, who appears in them, what they take, and what
 * was captured in the calls of a history page.
 */

type Db = Database | Tx;
type Kind = LibraryItemRow["kind"];

/** Where a page ends: the last item's capture time (to the microsecond, as stored) and id. */
export type LibraryCursor = { capturedAt: string; id: string };

/**
 * One page of `ownerId`'s items, newest first (by captured_at, then id, on the owner/time index).
 * `cursor` is where the previous page ended; every row comes with its own cursor (`at`), exact to
 * the microsecond, so items captured in the same millisecond are neither skipped nor repeated.
 */
export async function listLibraryItems(
  db: Db,
  ownerId: string,
  opts: { kind?: Kind; personId?: string; limit: number; cursor?: LibraryCursor },
): Promise<Array<LibraryItemRow & { at: LibraryCursor }>> {
  const rows = await db
    .select({ row: libraryItems, capturedAtText: sql<string>`${libraryItems.capturedAt}::text` })
    .from(libraryItems)
    .where(
      and(
        eq(libraryItems.ownerId, ownerId),
        opts.kind ? eq(libraryItems.kind, opts.kind) : undefined,
        opts.personId ? sql`${opts.personId}::uuid = any(${libraryItems.people})` : undefined,
        opts.cursor ? sql`(${libraryItems.capturedAt}, ${libraryItems.id}) < (${opts.cursor.capturedAt}::timestamptz, ${opts.cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(libraryItems.capturedAt), desc(libraryItems.id))
    .limit(opts.limit);
  return rows.map((r) => ({ ...r.row, at: { capturedAt: r.capturedAtText, id: r.row.id } }));
}

/** Names and handles of these people (unknown ids are left out). */
export async function peopleNames(db: Db, ids: string[]): Promise<Map<string, { displayName: string; handle: string }>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.select({ id: users.id, displayName: users.displayName, handle: users.handle }).from(users).where(inArray(users.id, unique));
  return new Map(rows.map((r) => [r.id, { displayName: r.displayName, handle: r.handle }]));
}

/** Everyone who appears in `ownerId`'s items, with how many items and bytes, by name. */
export async function libraryPeople(db: Db, ownerId: string): Promise<Array<{ id: string; displayName: string; handle: string; count: number; bytes: number }>> {
  const person = sql<string>`p.person_id`;
  const rows = await db
    .select({
      id: person,
      displayName: users.displayName,
      handle: users.handle,
      count: sql<number>`count(*)::int`,
      bytes: sql<string>`coalesce(sum(${libraryItems.sizeBytes}), 0)`,
    })
    .from(libraryItems)
    .innerJoin(sql`unnest(${libraryItems.people}) as p(person_id)`, sql`true`)
    .innerJoin(users, eq(users.id, person))
    .where(eq(libraryItems.ownerId, ownerId))
    .groupBy(person, users.displayName, users.handle)
    .orderBy(users.displayName);
  return rows.map((r) => ({ ...r, bytes: Number(r.bytes) }));
}

/** What `ownerId`'s items take, in bytes, by kind. */
export async function libraryBytesByKind(db: Db, ownerId: string): Promise<Record<Kind, number>> {
  const rows = await db
    .select({ kind: libraryItems.kind, bytes: sql<string>`coalesce(sum(${libraryItems.sizeBytes}), 0)` })
    .from(libraryItems)
    .where(eq(libraryItems.ownerId, ownerId))
    .groupBy(libraryItems.kind);
  const out: Record<Kind, number> = { "live-photo": 0, recording: 0, "saved-message": 0 };
  for (const r of rows) out[r.kind] = Number(r.bytes);
  return out;
}

/** The item in which `ownerId` saved this message, if any. */
export async function savedItemOf(db: Db, ownerId: string, messageId: string): Promise<LibraryItemRow | null> {
  const [row] = await db
    .select()
    .from(libraryItems)
    .where(and(eq(libraryItems.ownerId, ownerId), eq(libraryItems.sourceMessageId, messageId)))
    .limit(1);
  return row ?? null;
}

/**
 * Serialises additions to one person's Library until the transaction ends: a quota check made after
 * it sees every addition that got in before, so two at once cannot both squeeze under the quota.
 */
export async function lockLibraryQuota(tx: Db, ownerId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`library-quota:${ownerId}`}, 0))`);
}

/**
 * Live Photos and recordings made in these calls that `viewerId` took or was in (a photo's subject,
 * a recording's participant: the people who were told). Failed ones are left out.
 */
export async function capturesOnCalls(
  db: Db,
  viewerId: string,
  callIds: string[],
): Promise<Array<Pick<LibraryItemRow, "id" | "callId" | "kind" | "ownerId" | "capturedAt">>> {
  if (callIds.length === 0) return [];
  return db
    .select({ id: libraryItems.id, callId: libraryItems.callId, kind: libraryItems.kind, ownerId: libraryItems.ownerId, capturedAt: libraryItems.capturedAt })
    .from(libraryItems)
    .where(
      and(
        inArray(libraryItems.callId, callIds),
        inArray(libraryItems.kind, ["live-photo", "recording"]),
        ne(libraryItems.status, "failed"),
        or(eq(libraryItems.ownerId, viewerId), sql`${viewerId}::uuid = any(${libraryItems.people})`),
      ),
    )
    .orderBy(libraryItems.capturedAt);
}
