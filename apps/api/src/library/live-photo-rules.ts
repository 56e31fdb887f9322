import { decideLivePhoto, LIBRARY_LIMITS, livePhotoRefusalText, type LivePhotoRefusal } from "@ringback/core/library";
import type { Database } from "@ringback/db/client";
import type { Tx } from "@ringback/db/queries/calls";
import { captureConsentOf } from "@ringback/db/queries/library";
import { captureCallFor, type CaptureCall } from "@ringback/db/queries/live-photos";

/*
 * Who may take a Live Photo of whom, as the API sees it right now: the press (livePhotos.capture),
 * the upload of its files, and the shutter's availability all ask here, and core decides.
 */

export const NO_SUCH_CALL = "No such call";
/** The name used for a subject id the taker has no business knowing a name for. */
const UNKNOWN_SUBJECT = "This person";

/**
 * How long after the press a Live Photo's files may come. The subject was told "Ana took a Live
 * Photo" at the press; the clip ends `clipAfterMs` later, and the browser sends the files straight
 * away. An upload begun later than this (or whose body is still arriving well after) would be
 * pictures of some other moment than the one the subject was told about: refused, item removed.
 */
export const LIVE_PHOTO_UPLOAD_START_WITHIN_MS = LIBRARY_LIMITS.clipAfterMs + 30_000;
/** room for the largest body on a slow uplink once begun, not for minutes more of video */
export const LIVE_PHOTO_UPLOAD_ARRIVE_WITHIN_MS = LIVE_PHOTO_UPLOAD_START_WITHIN_MS + 60_000;
export const LIVE_PHOTO_TOO_LATE = "This Live Photo took too long to arrive. Take it again.";

/** By when (epoch ms) an upload of the Live Photo pressed at `capturedAt` must begin, and must have arrived. */
export function livePhotoUploadDue(capturedAt: Date): { startBy: number; arriveBy: number } {
  const at = capturedAt.getTime();
  return { startBy: at + LIVE_PHOTO_UPLOAD_START_WITHIN_MS, arriveBy: at + LIVE_PHOTO_UPLOAD_ARRIVE_WITHIN_MS };
}

export type Person = { userId: string; displayName: string; handle: string };

export type LivePhotoStanding =
  | { ok: true; call: CaptureCall; taker: Person; subject: Person }
  | { ok: false; status: 400 | 403 | 404; code: "BAD_REQUEST" | "FORBIDDEN" | "NOT_FOUND"; message: string };

/** How each refusal is answered: an audio call is a wrong request, the rest are not allowed. */
function refusalCode(reason: LivePhotoRefusal): { status: 400 | 403; code: "BAD_REQUEST" | "FORBIDDEN" } {
  return reason === "audio-call" ? { status: 400, code: "BAD_REQUEST" } : { status: 403, code: "FORBIDDEN" };
}

/**
 * May `takerId` take a Live Photo of `subjectId` in `callId` now? A call that is not the taker's is
 * "No such call". Presence is decided before consent (core's order), so for a subject who is not in
 * the call with the taker the answer is the same whatever their settings; and the subject is named
 * only if they are part of this call (a made-up or stranger's id reads "This person").
 */
export async function livePhotoStanding(db: Database | Tx, input: { callId: string; takerId: string; subjectId: string }): Promise<LivePhotoStanding> {
  const call = await captureCallFor(db, input.callId, input.takerId);
  if (!call) return { ok: false, status: 404, code: "NOT_FOUND", message: NO_SUCH_CALL };
  const knownSubject = input.subjectId !== input.takerId && call.participants.includes(input.subjectId);
  // one query whatever the answer will be, so its timing says nothing either
  const people = await captureConsentOf(db, knownSubject ? [input.takerId, input.subjectId] : [input.takerId]);
  const taker = people.find((p) => p.userId === input.takerId);
  const subject = knownSubject ? people.find((p) => p.userId === input.subjectId) : undefined;
  const decision = decideLivePhoto({
    callKind: call.kind,
    callLive: call.live,
    takerPresent: call.present.includes(input.takerId),
    subjectPresent: subject !== undefined && call.present.includes(subject.userId),
    taker: { allowLivePhotos: taker?.allowLivePhotos ?? false },
    subject: { allowLivePhotos: subject?.allowLivePhotos ?? false },
  });
  if (!decision.ok || !taker || !subject) {
    const reason = decision.ok ? "not-in-call" : decision.reason;
    return { ok: false, ...refusalCode(reason), message: livePhotoRefusalText(reason, subject?.displayName ?? UNKNOWN_SUBJECT) };
  }
  const person = (p: typeof taker): Person => ({ userId: p.userId, displayName: p.displayName, handle: p.handle });
  return { ok: true, call, taker: person(taker), subject: person(subject) };
}

export type Availability = { subjects: Array<{ userId: string; displayName: string; allowed: boolean; reason: string | null }> };

/**
 * The shutter's answer for each other person connected to the call: allowed, or why not (the taker's
 * own setting included). Only people present are listed, so nobody's settings show before they join.
 */
export async function livePhotoAvailability(db: Database | Tx, callId: string, takerId: string): Promise<Availability | null> {
  const call = await captureCallFor(db, callId, takerId);
  if (!call) return null;
  const others = call.present.filter((id) => id !== takerId);
  const people = await captureConsentOf(db, [takerId, ...others]);
  const taker = people.find((p) => p.userId === takerId);
  const takerPresent = call.present.includes(takerId);
  const subjects = others.flatMap((id) => {
    const subject = people.find((p) => p.userId === id);
    if (!subject) return [];
    const decision = decideLivePhoto({
      callKind: call.kind,
      callLive: call.live,
      takerPresent,
      subjectPresent: true,
      taker: { allowLivePhotos: taker?.allowLivePhotos ?? false },
      subject,
    });
    return [
      {
        userId: subject.userId,
        displayName: subject.displayName,
        allowed: decision.ok,
        reason: decision.ok ? null : livePhotoRefusalText(decision.reason, subject.displayName),
      },
    ];
  });
  return { subjects };
}
