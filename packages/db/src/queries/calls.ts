import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { Database } from "../client";
import { blocks, callPairs, callParticipants, calls, contacts, userSettings, users } from "../schema";

export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type CallRow = typeof calls.$inferSelect;
export type ParticipantRow = typeof callParticipants.$inferSelect;
export type CallWithParticipants = CallRow & { participants: ParticipantRow[] };

export async function insertCall(
  tx: Tx,
  call: typeof calls.$inferInsert & { id: string },
  participants: Array<Omit<typeof callParticipants.$inferInsert, "callId">>,
) {
  await tx.insert(calls).values(call);
  await tx.insert(callParticipants).values(participants.map((p) => ({ ...p, callId: call.id })));
}

/** Loads a call and locks its row, so concurrent transitions (from any API process) serialise. */
export async function lockCall(tx: Tx, callId: string, opts: { skipLocked?: boolean } = {}) {
  const base = tx.select().from(calls).where(eq(calls.id, callId)).limit(1);
  const [call] = await (opts.skipLocked ? base.for("update", { skipLocked: true }) : base.for("update"));
  if (!call) return null;
  const participants = await tx.select().from(callParticipants).where(eq(callParticipants.callId, callId)).orderBy(asc(callParticipants.createdAt));
  return { ...call, participants } satisfies CallWithParticipants;
}

export async function getCall(db: Database | Tx, callId: string): Promise<CallWithParticipants | null> {
  const [call] = await getCalls(db, [callId]);
  return call ?? null;
}

/** Several calls with their participants in two queries sent side by side, in the order of `ids`. */
export async function getCalls(db: Database | Tx, ids: string[]): Promise<CallWithParticipants[]> {
  if (ids.length === 0) return [];
  const [rows, people] = await Promise.all([
    db.select().from(calls).where(inArray(calls.id, ids)),
    db.select().from(callParticipants).where(inArray(callParticipants.callId, ids)).orderBy(asc(callParticipants.createdAt)),
  ]);
  const byId = new Map(rows.map((c) => [c.id, { ...c, participants: people.filter((p) => p.callId === c.id) }]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function getCallByRoom(db: Database, roomName: string) {
  const [row] = await db.select({ id: calls.id }).from(calls).where(eq(calls.roomName, roomName)).limit(1);
  return row?.id ?? null;
}

/** Writes back the parts of a call that a transition can change. */
export async function saveCall(
  tx: Tx,
  call: Pick<CallRow, "id" | "status" | "answeredAt" | "endedAt" | "nextDeadline">,
  participants: Array<Pick<ParticipantRow, "userId" | "ringState" | "ringEndedAt" | "joinedAt" | "leftAt">>,
) {
  await tx
    .update(calls)
    .set({ status: call.status, answeredAt: call.answeredAt, endedAt: call.endedAt, nextDeadline: call.nextDeadline })
    .where(eq(calls.id, call.id));
  for (const p of participants) {
    await tx
      .update(callParticipants)
      .set({ ringState: p.ringState, ringEndedAt: p.ringEndedAt, joinedAt: p.joinedAt, leftAt: p.leftAt })
      .where(and(eq(callParticipants.callId, call.id), eq(callParticipants.userId, p.userId)));
  }
}

/** Calls with a ring past its deadline: what the sweeper must expire. */
export async function dueCallIds(db: Database, now: Date, limit = 100): Promise<string[]> {
  const rows = await db
    .select({ id: calls.id })
    .from(calls)
    .where(and(isNotNull(calls.nextDeadline), lte(calls.nextDeadline, now)))
    .orderBy(asc(calls.nextDeadline))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** The caller's own ringing call, if any (a second start while ringing is refused). */
export async function ringingCallOf(db: Database, callerId: string) {
  const [row] = await db
    .select({ id: calls.id })
    .from(calls)
    .where(and(eq(calls.callerId, callerId), eq(calls.status, "ringing")))
    .limit(1);
  return row?.id ?? null;
}

type SharedRow = { user_id: string; recipient_called: boolean; shared_call: boolean };

/** Everything the reachability policy needs about each recipient, in four queries sent side by side (they are on the path of every ring). */
export async function ringFacts(db: Database, callerId: string, recipientIds: string[]) {
  const [people, blockRows, contactRows, shared] = await Promise.all([
    db
    .select({
      id: users.id,
      displayName: users.displayName,
      handle: users.handle,
      acceptCalls: userSettings.acceptCalls,
      silenceUnknownCallers: userSettings.silenceUnknownCallers,
      ringTimeoutSeconds: userSettings.ringTimeoutSeconds,
    })
    .from(users)
    .innerJoin(userSettings, eq(userSettings.userId, users.id))
    .where(inArray(users.id, recipientIds)),
    db
    .select({ blockerId: blocks.blockerId, blockedId: blocks.blockedId })
    .from(blocks)
    .where(
      or(
        and(eq(blocks.blockedId, callerId), inArray(blocks.blockerId, recipientIds)),
        and(eq(blocks.blockerId, callerId), inArray(blocks.blockedId, recipientIds)),
      ),
    ),
    db
    .select({ ownerId: contacts.ownerId })
    .from(contacts)
    .where(and(eq(contacts.contactId, callerId), inArray(contacts.ownerId, recipientIds))),
    // people the recipient called, or shared any call with: one pass over the caller's calls
    db.execute<SharedRow>(sql`
    select other.user_id,
      bool_or(c.caller_id = other.user_id) as recipient_called,
      -- a call both were actually in: answered, and each the caller or a callee who answered
      bool_or(c.answered_at is not null
        and (other.role = 'caller' or other.ring_state = 'answered')
        and (me.role = 'caller' or me.ring_state = 'answered')) as shared_call
    from call_participants me
    join call_participants other on other.call_id = me.call_id and other.user_id <> me.user_id
    join calls c on c.id = me.call_id
    where me.user_id = ${callerId} and other.user_id in ${recipientIds}
      and (c.answered_at is not null or c.caller_id = other.user_id)
    group by other.user_id`),
  ]);
  const sharedRows = Array.from(shared as Iterable<SharedRow>);
  return people.map((p) => {
    const s = sharedRows.find((r) => r.user_id === p.id);
    return {
      ...p,
      rel: {
        recipientBlockedCaller: blockRows.some((b) => b.blockerId === p.id),
        callerBlockedRecipient: blockRows.some((b) => b.blockedId === p.id),
        callerIsRecipientContact: contactRows.some((c) => c.ownerId === p.id),
        recipientCalledCaller: s?.recipient_called ?? false,
        sharedCall: s?.shared_call ?? false,
      },
    };
  });
}

export async function userNames(db: Database | Tx, ids: string[]) {
  if (ids.length === 0) return new Map<string, { displayName: string; handle: string }>();
  const rows = await db.select({ id: users.id, displayName: users.displayName, handle: users.handle }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, { displayName: r.displayName, handle: r.handle }]));
}

/** A person's history: calls they placed, and rings that reached them (silent rings never show). */
export async function historyFor(
  db: Database,
  userId: string,
  opts: { missedOnly: boolean; withUserId?: string; limit: number; before?: Date },
) {
  const mine = and(
    eq(callParticipants.userId, userId),
    // spelled exactly as call_participants_history_idx's condition (no parameters), so Postgres walks
    // that index newest first and stops after a page instead of sorting all of a busy person's rows
    sql`(${callParticipants.role} = 'caller' or not ${callParticipants.ringSilent})`,
    opts.missedOnly
      ? and(eq(callParticipants.role, "callee"), inArray(callParticipants.ringState, ["timeout", "cancelled", "unavailable"]))
      : undefined,
  );
  // with oneself is every call of one's own (one is in each of them): the plain list
  const other = opts.withUserId === userId ? undefined : opts.withUserId;
  const ids = other
    ? // only the calls the two shared, newest first (call_pairs_history_idx), whoever has more calls:
      // walking one person's calls and asking of each whether the other was in it read nearly all of a
      // busy person's calls when the two shared few
      await db
        .select({ callId: callParticipants.callId, at: callParticipants.createdAt })
        .from(callPairs)
        .innerJoin(callParticipants, and(eq(callParticipants.callId, callPairs.callId), eq(callParticipants.userId, callPairs.userId)))
        .where(and(eq(callPairs.userId, userId), eq(callPairs.otherId, other), opts.before ? lt(callPairs.createdAt, opts.before) : undefined, mine))
        // a pair's created_at is userId's participant row's (the trigger copies it)
        .orderBy(desc(callPairs.createdAt))
        .limit(opts.limit)
    : await db
        .select({ callId: callParticipants.callId, at: callParticipants.createdAt })
        .from(callParticipants)
        .where(and(mine, opts.before ? lt(callParticipants.createdAt, opts.before) : undefined))
        .orderBy(desc(callParticipants.createdAt))
        .limit(opts.limit);
  return getCalls(db, ids.map((r) => r.callId));
}

/** Missed rings not yet seen: the badge on the Calls tab. */
export async function unseenMissedCount(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(callParticipants)
    .where(
      and(
        eq(callParticipants.userId, userId),
        eq(callParticipants.role, "callee"),
        eq(callParticipants.ringSilent, false),
        inArray(callParticipants.ringState, ["timeout", "cancelled", "unavailable"]),
        isNull(callParticipants.seenAt),
      ),
    );
  return row?.n ?? 0;
}

export async function markMissedSeen(db: Database | Tx, userId: string, now: Date) {
  await db
    .update(callParticipants)
    .set({ seenAt: now })
    .where(and(eq(callParticipants.userId, userId), isNull(callParticipants.seenAt), ne(callParticipants.role, "caller")));
}

/** Rings currently reaching this person (for a client that connects mid-ring). */
export async function ringingFor(db: Database, userId: string) {
  const rows = await db
    .select({ callId: callParticipants.callId })
    .from(callParticipants)
    .innerJoin(calls, eq(calls.id, callParticipants.callId))
    .where(
      and(
        eq(callParticipants.userId, userId),
        eq(callParticipants.ringState, "ringing"),
        eq(callParticipants.ringSilent, false),
        inArray(calls.status, ["ringing", "active"]),
      ),
    );
  return rows.map((r) => r.callId);
}
