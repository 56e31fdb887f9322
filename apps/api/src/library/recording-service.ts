// Call recordings: start, stop (by the recorder or by the server), and the server's reasons to stop
// one. Every change locks the call's row first, then the recording's, decides, saves and publishes in
// one transaction (the model is calls/service.ts): a stop is stored and announced, or neither.
import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { captureConsentChangedEvent, libraryChangedEvent, recordingStartedEvent, recordingStoppedEvent, type PersonRef } from "@ringback/core/events";
import { decideRecording, lastSignOf, recordingRefusalText, type RecordingStopReason } from "@ringback/core/library";
import { isUniqueViolation } from "@ringback/db/errors";
import { getCall, lockCall, type CallWithParticipants, type ParticipantRow, type Tx } from "@ringback/db/queries/calls";
import { publishEvents, type EventInput } from "@ringback/db/queries/events";
import { captureConsentOf, getLibraryItem, insertLibraryItem, updateLibraryItem, type LibraryItemRow } from "@ringback/db/queries/library";
import { activeRecordingOfCall, addRecordingPerson, liveCallsOf, lockActiveRecordingOfCall, lockOwnRecording, markJoinToken } from "@ringback/db/queries/recordings";
import type { Database } from "@ringback/db/client";
import { holdsLiveToken, liveTokensSince } from "../calls/join-token";
import { connectedIdentities } from "../livekit/rooms";
import type { Services } from "../trpc";
import { assertQuota, quotaRefusal } from "./quota";
import { LIBRARY_UPLOADS_PATH } from "./recording-files";

export const NO_SUCH_CALL = "No such call";
export const NO_SUCH_RECORDING = "No such recording";

/** Someone who may see the call: its caller, or a callee whose ring reached them (a silent ring never did). */
function participantOf(call: CallWithParticipants, userId: string): ParticipantRow | null {
  const p = call.participants.find((q) => q.userId === userId);
  if (!p || (p.role === "callee" && p.ringSilent)) return null;
  return p;
}

/**
 * Who is in the call now, as far as recording goes: not left, and the caller, someone whose media
 * joined, or a callee who answered (their media is on its way: they must have allowed it too); and
 * anyone who left but took a new token since (calls.join) that they may connect with any moment
 * (see calls/join-token.ts): LiveKit's word that their media is back comes too late to rely on.
 * Nobody, once the call is over or while it only rings.
 */
export function inCallNow(call: CallWithParticipants, now = new Date()): string[] {
  if (call.status !== "active") return [];
  return call.participants
    .filter((p) => (p.leftAt === null && (p.role === "caller" || p.joinedAt !== null || p.ringState === "answered")) || holdsLiveToken(p, now))
    .map((p) => p.userId);
}

async function personRef(db: Database | Tx, userId: string): Promise<PersonRef> {
  const [who] = await captureConsentOf(db, [userId]);
  return { id: userId, displayName: who?.displayName ?? "Someone", handle: who?.handle ?? "" };
}

export type ActiveRecording = { id: string; by: PersonRef; startedAt: Date; mine: boolean };

/** recordings.active: the call's recording now, and whether `userId` could start one (with the reason if not). */
export async function activeRecording(
  services: Pick<Services, "db" | "media">,
  userId: string,
  callId: string,
): Promise<{ recording: ActiveRecording | null; canStart: { ok: true } | { ok: false; reason: string } }> {
  const { db } = services;
  const call = await getCall(db, callId);
  if (!call || !participantOf(call, userId)) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_CALL });
  const active = await activeRecordingOfCall(db, callId);
  const recording = active ? { id: active.id, by: await personRef(db, active.ownerId), startedAt: active.capturedAt, mine: active.ownerId === userId } : null;
  const present = inCallNow(call, new Date());
  if (call.status !== "active") return { recording, canStart: { ok: false, reason: call.status === "ringing" ? "The call hasn't started yet" : "This call has ended" } };
  if (!present.includes(userId)) return { recording, canStart: { ok: false, reason: "Join the call to record it" } };
  const decision = decideRecording({
    present: await captureConsentOf(db, present),
    recorderId: userId,
    activeRecordingBy: recording ? (recording.mine ? "You" : recording.by.displayName) : null,
  });
  if (!decision.ok) return { recording, canStart: { ok: false, reason: recordingRefusalText(decision) } };
  // a full Library is refused by start too: the button says so before it is pressed
  const full = await quotaRefusal(db, userId, 1, services.media.libraryQuotaBytes);
  return { recording, canStart: full ? { ok: false, reason: full } : { ok: true } };
}

/**
 * recordings.start: checks that the call is live and the recorder in it, that everyone in it allows
 * recording (the recorder too) and nobody records it yet, and that the recorder's Library has room;
 * then stores the recording and tells everyone in the call, in one transaction.
 */
export async function startRecording(
  services: Pick<Services, "db" | "media" | "livekit">,
  userId: string,
  callId: string,
  now = new Date(),
): Promise<{ recordingId: string; uploadUrl: string; startedAt: Date }> {
  const seen = await getCall(services.db, callId);
  if (!seen || !participantOf(seen, userId) || seen.status !== "active") throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_CALL });
  // whoever LiveKit has in the room counts too, whatever we have heard of them: someone whose media
  // came back before its webhook (or whose webhook was lost) is not left out of the consent check.
  // Asked before the call's lock is taken (no lock is held over a network call); anyone who connects
  // after this needed a token, and calls.join serialises with this start on the call's lock.
  const connected = await connectedIdentities(services.livekit, seen.roomName);
  try {
    return await services.db.transaction(async (tx) => {
      const call = await lockCall(tx, callId);
      if (!call || !participantOf(call, userId) || call.status !== "active") throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_CALL });
      const inRoom = connected.filter((id) => participantOf(call, id) !== null);
      const present = [...new Set([...inCallNow(call, now), ...inRoom])];
      if (!present.includes(userId)) throw new TRPCError({ code: "FORBIDDEN", message: "Join the call to record it" });
      const active = await activeRecordingOfCall(tx, callId);
      const consents = await captureConsentOf(tx, present);
      const decision = decideRecording({
        present: consents,
        recorderId: userId,
        activeRecordingBy: active ? (active.ownerId === userId ? "You" : (await personRef(tx, active.ownerId)).displayName) : null,
      });
      if (!decision.ok) throw new TRPCError({ code: decision.reason === "already-recording" ? "CONFLICT" : "FORBIDDEN", message: recordingRefusalText(decision) });
      // at least a byte must fit: chunks are checked one by one as they arrive
      await assertQuota(tx, userId, 1, services.media.libraryQuotaBytes);

      const id = randomUUID();
      await insertLibraryItem(tx, {
        id,
        ownerId: userId,
        kind: "recording",
        status: "recording",
        callId,
        people: present.filter((p) => p !== userId),
        capturedAt: now,
        createdAt: now,
      });
      const me = consents.find((c) => c.userId === userId);
      const by: PersonRef = { id: userId, displayName: me?.displayName ?? "Someone", handle: me?.handle ?? "" };
      await publishEvents(tx, [
        ...present.map((p): EventInput => ({ userId: p, event: recordingStartedEvent({ callId, recordingId: id, by, startedAt: now }) })),
        { userId, event: libraryChangedEvent(id, "added") },
      ]);
      return { recordingId: id, uploadUrl: LIBRARY_UPLOADS_PATH, startedAt: now };
    });
  } catch (err) {
    // the call's row lock makes this unlikely; the index is what guarantees one recording at a time
    if (isUniqueViolation(err, "library_items_one_recording_per_call")) {
      const winner = await activeRecordingOfCall(services.db, callId);
      const by = winner ? (winner.ownerId === userId ? "You" : (await personRef(services.db, winner.ownerId)).displayName) : "Someone";
      throw new TRPCError({ code: "CONFLICT", message: recordingRefusalText({ ok: false, reason: "already-recording", by }) });
    }
    throw err;
  }
}

export type StopCause = {
  reason: RecordingStopReason;
  /** the person who caused it (a joiner without consent, someone who withdrew it) */
  who?: string | null;
  now: Date;
  /** people to tell besides those in the call (a joiner who is not counted in it yet) */
  alsoTell?: string[];
  /** the recorder went quiet: it is taken to have stopped with its last chunk */
  idle?: boolean;
};

/**
 * Stops a recording (its row locked by the caller, after the call's): it is stopped as of now (an
 * idle one as of its last chunk), chunks made before still arrive for the grace, and everyone in the
 * call (the recorder always) hears why. Returns the stopped row, or null when it was not recording.
 */
export async function stopLockedRecording(tx: Tx, row: LibraryItemRow, cause: StopCause): Promise<LibraryItemRow | null> {
  if (row.kind !== "recording" || row.status !== "recording") return null;
  const stoppedAt = cause.idle ? lastSignOf(row) : cause.now;
  const stopped = await updateLibraryItem(tx, row.id, { status: "processing", stoppedAt, stopReason: cause.reason });
  const call = row.callId ? await getCall(tx, row.callId) : null;
  const tell = new Set([row.ownerId, ...(call ? inCallNow(call) : []), ...(cause.alsoTell ?? [])]);
  const by = await personRef(tx, row.ownerId);
  const event = recordingStoppedEvent({
    callId: row.callId ?? "",
    recordingId: row.id,
    by,
    reason: cause.reason,
    who: cause.who ?? null,
    stoppedAt,
  });
  await publishEvents(
    tx,
    [...tell].map((userId) => ({ userId, event })),
  );
  return stopped;
}

/** Stops the call's recording in progress, if any (the call's row is locked by the caller). */
export async function stopRecordingOfCall(tx: Tx, callId: string, cause: StopCause): Promise<LibraryItemRow | null> {
  const row = await lockActiveRecordingOfCall(tx, callId);
  return row ? stopLockedRecording(tx, row, cause) : null;
}

/** recordings.stop: the recorder stops their recording (anyone else: "No such recording"). Stopping twice is fine. */
export async function stopRecording(services: Pick<Services, "db">, userId: string, recordingId: string, now = new Date()): Promise<void> {
  await services.db.transaction(async (tx) => {
    const seen = await getLibraryItem(tx, recordingId);
    if (!seen || seen.ownerId !== userId || seen.kind !== "recording") throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_RECORDING });
    // the call's row first, as every other change of a recording does
    if (seen.callId) await lockCall(tx, seen.callId);
    const row = await lockOwnRecording(tx, recordingId, userId);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_RECORDING });
    await stopLockedRecording(tx, row, { reason: "stopped", now });
  });
}

/**
 * Someone is about to get a token for the call (calls.join), or their media joined it: if a recording
 * runs and they have not allowed recording, it stops now, before they can be in it; if they have, they
 * are among its people. The recorder themself is left alone (their own settings stop it if changed).
 * The call's row must be locked by the caller.
 */
export async function recordingMeetsJoiner(tx: Tx, callId: string, userId: string, now: Date, mediaSince?: Date): Promise<void> {
  const row = await lockActiveRecordingOfCall(tx, callId);
  if (!row || row.ownerId === userId) return;
  const [joiner] = await captureConsentOf(tx, [userId]);
  if (!joiner) return;
  if (joiner.allowRecording) {
    await addRecordingPerson(tx, row.id, userId);
    return;
  }
  // their media may have been in the room for a while already (LiveKit's webhook came late, or they
  // reconnected with a token minted before the recording): it is cut where their media joined
  const at = mediaSince && mediaSince.getTime() < now.getTime() ? new Date(Math.max(mediaSince.getTime(), row.capturedAt.getTime())) : now;
  await stopLockedRecording(tx, row, { reason: "joined-without-consent", who: joiner.displayName, now: at, alsoTell: [userId] });
}

/** calls.join, before the token is minted: see recordingMeetsJoiner. */
export async function beforeJoinToken(services: Pick<Services, "db">, callId: string, userId: string): Promise<void> {
  await services.db.transaction(async (tx) => {
    // serialises with recordings.start: a start either sees this person's token (and counts them as
    // present until it expires or they leave after it), or is stopped by it
    if (!(await lockCall(tx, callId))) return;
    const now = new Date();
    await recordingMeetsJoiner(tx, callId, userId, now);
    await markJoinToken(tx, callId, userId, now);
  });
}

/**
 * What a change of the call (already saved under its row lock, in `tx`) means for its recording: the
 * call is over ("call-ended"), the recorder left ("recorder-left"), someone's media joined (see
 * recordingMeetsJoiner).
 */
export async function recordingAfterCallEvent(
  tx: Tx,
  callId: string,
  change: { type: string; userId?: string; now: Date; over: boolean; mediaSince?: Date },
): Promise<void> {
  if (change.type === "leave" && change.userId) {
    const row = await lockActiveRecordingOfCall(tx, callId);
    if (row && row.ownerId === change.userId) {
      await stopLockedRecording(tx, row, { reason: "recorder-left", now: change.now });
      return;
    }
  }
  if (change.over) {
    await stopRecordingOfCall(tx, callId, { reason: "call-ended", now: change.now });
    return;
  }
  if (change.type === "join" && change.userId) await recordingMeetsJoiner(tx, callId, change.userId, change.now, change.mediaSince);
}

/**
 * A person's Live Photo or recording setting changed: the others in each live call they are in are
 * told (their shutter and record button change), and where they no longer allow recording, a
 * recording in progress there stops ("consent-withdrawn").
 */
export async function captureConsentChanged(
  services: Pick<Services, "db">,
  userId: string,
  before: { allowLivePhotos: boolean; allowRecording: boolean },
  after: { allowLivePhotos: boolean; allowRecording: boolean; displayName: string },
  now = new Date(),
): Promise<void> {
  if (before.allowLivePhotos === after.allowLivePhotos && before.allowRecording === after.allowRecording) return;
  for (const callId of await liveCallsOf(services.db, userId, liveTokensSince(now))) {
    await services.db.transaction(async (tx) => {
      const call = await lockCall(tx, callId);
      if (!call) return;
      const present = inCallNow(call, now);
      if (!present.includes(userId)) return;
      if (before.allowRecording && !after.allowRecording) {
        await stopRecordingOfCall(tx, callId, { reason: "consent-withdrawn", who: after.displayName, now });
      }
      const event = captureConsentChangedEvent({ callId, userId, allowLivePhotos: after.allowLivePhotos, allowRecording: after.allowRecording });
      await publishEvents(
        tx,
        present.filter((p) => p !== userId).map((p) => ({ userId: p, event })),
      );
    });
  }
}
