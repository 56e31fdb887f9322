import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../client";
import { blocks, messages, userSettings, users } from "../schema";
import type { Tx } from "./calls";

export type MessageRow = typeof messages.$inferSelect;
type Db = Database | Tx;

/** A message row with both people's names, for building views. */
export type MessageWithPeople = MessageRow & {
  sender: { id: string; displayName: string; handle: string };
  recipient: { id: string; displayName: string; handle: string };
};

/** Stores a new unfinished message (status "recording"). */
export async function insertMessage(tx: Db, values: typeof messages.$inferInsert & { id: string }): Promise<MessageRow> {
  const [row] = await tx.insert(messages).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function getMessage(db: Db, id: string): Promise<MessageRow | null> {
  const [row] = await db.select().from(messages).where(eq(messages.id, id)).limit(1);
  return row ?? null;
}

/** Loads a message and locks its row, so concurrent changes (upload finished, pick up, delete) serialise. */
export async function lockMessage(tx: Tx, id: string): Promise<MessageRow | null> {
  const [row] = await tx.select().from(messages).where(eq(messages.id, id)).limit(1).for("update");
  return row ?? null;
}

/** The sender's message on a call (there is at most one), locked. */
export async function lockMessageForCall(tx: Tx, callId: string, senderId: string): Promise<MessageRow | null> {
  const [row] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.callId, callId), eq(messages.senderId, senderId)))
    .limit(1)
    .for("update");
  return row ?? null;
}

export async function messageByUpload(db: Db, uploadId: string): Promise<MessageRow | null> {
  const [row] = await db.select().from(messages).where(eq(messages.uploadId, uploadId)).limit(1);
  return row ?? null;
}

export async function updateMessage(tx: Db, id: string, patch: Partial<Omit<typeof messages.$inferInsert, "id">>): Promise<MessageRow | null> {
  const [row] = await tx.update(messages).set(patch).where(eq(messages.id, id)).returning();
  return row ?? null;
}

export async function deleteMessageRow(tx: Db, id: string): Promise<MessageRow | null> {
  const [row] = await tx.delete(messages).where(eq(messages.id, id)).returning();
  return row ?? null;
}

/** The names of a message's two people. */
export async function withPeople(db: Db, rows: MessageRow[]): Promise<MessageWithPeople[]> {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.flatMap((r) => [r.senderId, r.recipientId]))];
  const people = await db.select({ id: users.id, displayName: users.displayName, handle: users.handle }).from(users).where(inArray(users.id, ids));
  const byId = new Map(people.map((p) => [p.id, p]));
  const person = (id: string) => byId.get(id) ?? { id, displayName: "Someone", handle: "" };
  return rows.map((r) => ({ ...r, sender: person(r.senderId), recipient: person(r.recipientId) }));
}

/** The recipient's message settings, read in one query (both off for an unknown person). */
export async function messageSettingsOf(db: Db, userId: string): Promise<{ acceptMessages: boolean; liveVoicemail: boolean }> {
  const [row] = await db
    .select({ acceptMessages: userSettings.acceptMessages, liveVoicemail: userSettings.liveVoicemail })
    .from(userSettings)
    .where(eq(userSettings.userId, userId))
    .limit(1);
  return row ?? { acceptMessages: false, liveVoicemail: false };
}

// A received message from someone the recipient has blocked since stays out of their lists.
const senderNotBlockedByRecipient = sql`not exists (select 1 from ${blocks} b where b.blocker_id = ${messages.recipientId} and b.blocked_id = ${messages.senderId})`;

/** A ready message its recipient may see: not from someone they block, nor one made while they did. */
// (literals, not parameters: Postgres can then match messages_received_list_idx's condition)
const recipientMaySee = and(sql`${messages.status} = 'ready' and not ${messages.hiddenFromRecipient}`, senderNotBlockedByRecipient);

/** Messages the viewer may see in a list: received and ready (sender not blocked by them), or sent by them and complete. */
function visibleTo(viewerId: string) {
  return or(received(viewerId), sent(viewerId));
}
const received = (viewerId: string) => and(eq(messages.recipientId, viewerId), recipientMaySee);
// the sender's own unfinished recording is not a message yet; processing, ready and failed ones are
const sent = (viewerId: string) => and(eq(messages.senderId, viewerId), sql`${messages.status} in ('processing', 'ready', 'failed')`);

// Pages are ordered by createdAt as views carry it (milliseconds; the column keeps microseconds),
// then id: a cursor taken from a view then lands exactly between two rows, even in one millisecond.
// Truncated in UTC (the same instant, and immutable, so messages_*_list_idx can hold it).
const listTime = sql`date_trunc('milliseconds', (${messages.createdAt} at time zone 'UTC'))`;

/**
 * A person's messages, newest first (by createdAt, then id): received ready ones and the ones they
 * sent. `before` is the last message of the previous page.
 *
 * Read as two halves, each walked in list order on its own index (messages_received_list_idx,
 * messages_sent_list_idx) and stopped at a page, then merged: one query with an OR made Postgres
 * fetch and sort every message a busy person ever had.
 */
export async function listMessagesFor(
  db: Database,
  viewerId: string,
  opts: { withUserId?: string; kind?: "video" | "voicemail"; limit: number; before?: { createdAt: Date; id: string } },
): Promise<MessageWithPeople[]> {
  const filters = and(
    opts.withUserId ? or(eq(messages.senderId, opts.withUserId), eq(messages.recipientId, opts.withUserId)) : undefined,
    opts.kind ? eq(messages.kind, opts.kind) : undefined,
    opts.before ? sql`(${listTime}, ${messages.id}) < ((${opts.before.createdAt.toISOString()}::timestamptz at time zone 'UTC'), ${opts.before.id}::uuid)` : undefined,
  );
  const half = (which: SQL | undefined) =>
    db
      .select({ row: messages, at: sql<string>`to_char(${listTime}, 'YYYY-MM-DD"T"HH24:MI:SS.MS')`.as("list_at") })
      .from(messages)
      .where(and(which, filters))
      .orderBy(sql`${listTime} desc`, desc(messages.id))
      .limit(opts.limit);
  // a message both sent and received by the viewer is the received half's (the OR counted it once)
  const [mine, theirs] = await Promise.all([half(received(viewerId)), half(and(sent(viewerId), sql`not coalesce(${received(viewerId)}, false)`))]);
  // merged in the same order Postgres used: list time (a fixed-width UTC string), then id (uuids compare as their hex)
  const rows = [...mine, ...theirs]
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.row.id < b.row.id ? 1 : a.row.id > b.row.id ? -1 : 0))
    .slice(0, opts.limit)
    .map((r) => r.row);
  return withPeople(db, rows);
}

/**
 * Full-text search over the transcripts of the viewer's messages (the same set `listMessagesFor`
 * shows): best match first, then newest. `snippet` marks the matched words with «…».
 */
export async function searchMessages(
  db: Database,
  viewerId: string,
  q: string,
  limit: number,
): Promise<Array<{ message: MessageWithPeople; snippet: string }>> {
  const query = sql`websearch_to_tsquery('english', ${q})`;
  const rows = await db
    .select({
      id: messages.id,
      snippet: sql<string>`ts_headline('english', coalesce(${messages.transcript}, ''), ${query}, 'StartSel=«, StopSel=», MaxWords=18, MinWords=6, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "')`,
      rank: sql<number>`ts_rank(${messages.transcriptTsv}, ${query})`,
    })
    .from(messages)
    .where(and(visibleTo(viewerId), sql`${messages.transcriptTsv} @@ ${query}`))
    .orderBy(sql`ts_rank(${messages.transcriptTsv}, ${query}) desc`, desc(messages.createdAt))
    .limit(limit);
  if (rows.length === 0) return [];
  const full = await db.select().from(messages).where(inArray(messages.id, rows.map((r) => r.id)));
  const people = await withPeople(db, full);
  const byId = new Map(people.map((m) => [m.id, m]));
  return rows.flatMap((r) => {
    const message = byId.get(r.id);
    return message ? [{ message, snippet: r.snippet }] : [];
  });
}

/** Received messages not yet watched: their part of the Calls badge. */
export async function unwatchedCount(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(messages)
    .where(and(eq(messages.recipientId, userId), recipientMaySee, isNull(messages.seenAt)));
  return row?.n ?? 0;
}

/** The ready message on each of these calls that the viewer sent or may see as its recipient. */
export async function readyMessagesOnCalls(db: Database, viewerId: string, callIds: string[]): Promise<MessageRow[]> {
  if (callIds.length === 0) return [];
  return db
    .select()
    .from(messages)
    .where(
      and(
        inArray(messages.callId, callIds),
        eq(messages.status, "ready"),
        or(eq(messages.senderId, viewerId), and(eq(messages.recipientId, viewerId), recipientMaySee)),
      ),
    )
    .orderBy(desc(messages.createdAt));
}

/** True when `blockerId` has blocked `blockedId`. */
export async function hasBlocked(db: Db, blockerId: string, blockedId: string): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(blocks)
    .where(and(eq(blocks.blockerId, blockerId), eq(blocks.blockedId, blockedId)))
    .limit(1);
  return row !== undefined;
}

/**
 * Called under the message's row lock at each step of its making (upload finished, ready, live
 * words): if its recipient blocks its sender now, the message is hidden from them for good, so an
 * unblock later does not bring it back. Returns true when it is (or already was) hidden.
 */
export async function hideFromRecipientIfBlocked(tx: Tx, row: MessageRow): Promise<boolean> {
  if (row.hiddenFromRecipient) return true;
  if (!(await hasBlocked(tx, row.recipientId, row.senderId))) return false;
  await tx.update(messages).set({ hiddenFromRecipient: true }).where(eq(messages.id, row.id));
  return true;
}

/** Unfinished messages started before the cutoffs: recordings never completed, and processing that never ended. */
export async function unfinishedBefore(db: Database, cutoffs: { video: Date; voicemail: Date; processing: Date }, limit = 100): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(
      or(
        and(eq(messages.status, "recording"), eq(messages.kind, "video"), lt(messages.createdAt, cutoffs.video)),
        and(eq(messages.status, "recording"), eq(messages.kind, "voicemail"), lt(messages.createdAt, cutoffs.voicemail)),
        and(eq(messages.status, "processing"), lt(messages.createdAt, cutoffs.processing)),
      ),
    )
    .orderBy(messages.createdAt)
    .limit(limit);
}

/** The sender's message on a call, if any (unlocked: for deciding what to offer). */
export async function messageOfCall(db: Db, callId: string, senderId: string): Promise<MessageRow | null> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.callId, callId), eq(messages.senderId, senderId)))
    .limit(1);
  return row ?? null;
}
