import { z } from "zod";
import { isoDate } from "./iso-date";

/*
 * Live Photos, call recordings and the Library. Who may capture whom, when a recording must stop,
 * what a person's quota allows and what an item looks like to its owner live here; the API enforces
 * them and the pages call them to explain a disabled button before anyone presses it.
 */

export type LibraryKind = "live-photo" | "recording" | "saved-message";
export type LibraryStatus = "capturing" | "recording" | "processing" | "ready" | "failed";

/** Limits on captures and recordings, checked by the browser and again by the API. */
export const LIBRARY_LIMITS = {
  /** a Live Photo's clip: this much before the press and this much after */
  clipBeforeMs: 1_500,
  clipAfterMs: 1_500,
  /** the longest clip the API keeps (the browser's buffer may start up to 3 s before the press) */
  clipMaxMs: 6_000,
  /** largest still and clip a Live Photo upload may carry */
  stillMaxBytes: 15 * 1024 * 1024,
  clipMaxBytes: 25 * 1024 * 1024,
  /** a Live Photo whose files have not arrived this long after the press was abandoned */
  captureAbandonAfterMs: 2 * 60_000,
  /** a recording's chunks still arriving this long after it was stopped are accepted (they were made before) */
  recordingStopGraceMs: 20_000,
  /**
   * of what arrives after a recording's stop, only what came within this long is kept (see
   * recordingArrivalCapDue): the grace lets a late chunk finish the upload, not add to the recording
   */
  recordingStopArrivalMs: 8_000,
  /** a recording with no chunk for this long lost its recorder (tab closed or crashed): it is finished as it is */
  recordingIdleMs: 30_000,
  /** how often a recording browser sends what it has (at most this much is lost with a crashed tab) */
  recordingChunkMs: 2_000,
  /** a recording whose jobs have not finished this long after it stopped is stuck, and swept */
  processingAbandonAfterMs: 6 * 60 * 60_000,
} as const;

/** Types a Live Photo's still and clip may have (the API checks the real type by content). */
export const LIVE_PHOTO_TYPES = {
  still: ["image/jpeg", "image/png", "image/webp"],
  clip: ["video/webm", "video/mp4"],
} as const;

/** What a recording's declared type may be. */
export const RECORDING_CONTENT_TYPES = ["video/webm", "video/mp4"] as const;

/** A person's capture settings, as consent rules need them. */
export type CaptureConsent = { userId: string; displayName: string; allowLivePhotos: boolean; allowRecording: boolean };

/** Why a Live Photo cannot be taken. */
export type LivePhotoRefusal = "audio-call" | "not-in-call" | "taker-off" | "subject-off";

export type LivePhotoDecision = { ok: true } | { ok: false; reason: LivePhotoRefusal };

/**
 * May `taker` take a Live Photo of `subject` now? Both must be in the same live video call and both
 * must allow Live Photos. Presence is checked before consent, so for someone who is not in the call
 * the answer says nothing about their settings.
 */
export function decideLivePhoto(input: {
  callKind: "audio" | "video";
  callLive: boolean;
  takerPresent: boolean;
  subjectPresent: boolean;
  taker: Pick<CaptureConsent, "allowLivePhotos">;
  subject: Pick<CaptureConsent, "allowLivePhotos">;
}): LivePhotoDecision {
  if (!input.callLive || !input.takerPresent || !input.subjectPresent) return { ok: false, reason: "not-in-call" };
  if (input.callKind !== "video") return { ok: false, reason: "audio-call" };
  if (!input.taker.allowLivePhotos) return { ok: false, reason: "taker-off" };
  if (!input.subject.allowLivePhotos) return { ok: false, reason: "subject-off" };
  return { ok: true };
}

/** The words for a refused Live Photo (the shutter's disabled reason and the API's error). */
export function livePhotoRefusalText(reason: LivePhotoRefusal, subjectName: string): string {
  switch (reason) {
    case "audio-call":
      return "Live Photos need a video call";
    case "not-in-call":
      return `${subjectName} isn't in this call with you`;
    case "taker-off":
      return "Turn on Live Photos in Settings to take one";
    case "subject-off":
      return `${subjectName} doesn't allow Live Photos`;
  }
}

export type RecordingDecision = { ok: true } | { ok: false; reason: "not-allowed"; who: string[] } | { ok: false; reason: "already-recording"; by: string };

/**
 * May the call be recorded now? Everyone in it (the recorder too) must allow recording, and a call
 * is recorded by one person at a time. `present` is everyone connected to the call right now.
 */
export function decideRecording(input: { present: CaptureConsent[]; recorderId: string; activeRecordingBy: string | null }): RecordingDecision {
  if (input.activeRecordingBy !== null) return { ok: false, reason: "already-recording", by: input.activeRecordingBy };
  const refusing = input.present.filter((p) => !p.allowRecording);
  // the recorder first: "you" reads better than your own name
  refusing.sort((a, b) => Number(b.userId === input.recorderId) - Number(a.userId === input.recorderId));
  if (refusing.length > 0) return { ok: false, reason: "not-allowed", who: refusing.map((p) => (p.userId === input.recorderId ? "You" : p.displayName)) };
  return { ok: true };
}

/** The words for a refused recording. */
export function recordingRefusalText(decision: Exclude<RecordingDecision, { ok: true }>): string {
  if (decision.reason === "already-recording") return decision.by === "You" ? "You're already recording this call" : `${decision.by} is already recording this call`;
  // the recorder's own switch first, in the words of Settings; then whoever else hasn't allowed it
  const others = decision.who.filter((name) => name !== "You");
  if (others.length < decision.who.length) {
    if (others.length === 0) return "Turn on call recording in Settings to record";
    return `Turn on call recording in Settings. ${listNames(others)} ${others.length === 1 ? "hasn't" : "haven't"} allowed it either`;
  }
  return `${listNames(decision.who)} ${decision.who.length === 1 ? "hasn't" : "haven't"} allowed recording`;
}

/** Why a recording ended. */
export const recordingStopReasonSchema = z.enum(["stopped", "joined-without-consent", "consent-withdrawn", "recorder-left", "call-ended", "quota", "limit"]);
export type RecordingStopReason = z.infer<typeof recordingStopReasonSchema>;

/** The notice everyone in the call sees when a recording stops (`who` is the person who caused it, if anyone). */
export function recordingStoppedText(reason: RecordingStopReason, recorderName: string, who: string | null): string {
  switch (reason) {
    case "stopped":
      return `${recorderName} stopped recording`;
    case "joined-without-consent":
      return `Recording stopped: ${who ?? "Someone"} joined and hasn't allowed recording`;
    case "consent-withdrawn":
      return `Recording stopped: ${who ?? "Someone"} no longer allows recording`;
    case "recorder-left":
      return `Recording stopped: ${recorderName} left the call`;
    case "call-ended":
      return "Recording stopped: the call ended";
    case "quota":
      return `Recording stopped: ${recorderName}'s Library is full`;
    case "limit":
      return "Recording stopped: it reached the longest a recording may be";
  }
}

/**
 * Should a recording in progress stop because of a change in who is in the call? It stops as soon
 * as anyone present (someone who just joined, or one who changed their setting) does not allow it.
 */
export function recordingMustStop(present: Pick<CaptureConsent, "allowRecording">[]): boolean {
  return present.some((p) => !p.allowRecording);
}

/** A recording as the rules about its chunks need it. */
export type RecordingProgress = {
  status: LibraryStatus;
  capturedAt: Date;
  stoppedAt: Date | null;
  /** when its last chunk arrived (null: none yet) */
  lastActivityAt: Date | null;
};

/**
 * May a chunk of this recording still be taken at `now`? While it records, yes; once stopped, for
 * LIBRARY_LIMITS.recordingStopGraceMs (the browser sends what it made before the stop); never once
 * it is being made into the Library item, is ready, or failed.
 */
export function recordingTakesChunks(r: Pick<RecordingProgress, "status" | "stoppedAt">, now: Date): boolean {
  if (r.status === "recording") return true;
  if (r.status !== "processing" || r.stoppedAt === null) return false;
  return now.getTime() < r.stoppedAt.getTime() + LIBRARY_LIMITS.recordingStopGraceMs;
}

/**
 * Has a recording's recorder gone quiet (no chunk for LIBRARY_LIMITS.recordingIdleMs: a closed or
 * crashed tab)? Such a recording is stopped as of its last chunk and finished with what arrived.
 */
export function recordingIsIdle(r: RecordingProgress, now: Date): boolean {
  if (r.status !== "recording") return false;
  return now.getTime() - lastSignOf(r).getTime() >= LIBRARY_LIMITS.recordingIdleMs;
}

/** When an idle recording is taken to have stopped: its last chunk (or its start, with none). */
export function lastSignOf(r: Pick<RecordingProgress, "capturedAt" | "lastActivityAt">): Date {
  return r.lastActivityAt ?? r.capturedAt;
}

/**
 * Where the kept file ends, in ms from its start: at the stop. The browser starts recording just after
 * the start was stored, so the file's first moment is a little after `capturedAt` and the cut keeps
 * that delay (a fraction of a second) past the stop. Nothing of a joiner without consent can be in it:
 * their token is minted only after the stop, and their picture takes longer than that to reach the
 * recorder's page.
 */
export function recordingCutMs(r: Pick<RecordingProgress, "capturedAt" | "stoppedAt">): number | null {
  if (r.stoppedAt === null) return null;
  return Math.max(0, r.stoppedAt.getTime() - r.capturedAt.getTime());
}

/**
 * Has the time passed after which nothing more that arrives of a stopped recording is kept? The kept
 * file is cut by the file's own timestamps (recordingCutMs), which the recorder's browser writes: a
 * modified recorder that pauses or slows them could pass off up to the whole grace's worth of what
 * it films after the stop as from before it. Bytes cannot arrive before they are made, so what had
 * ARRIVED by a moment holds nothing filmed after it: the API notes how much of the upload had arrived
 * LIBRARY_LIMITS.recordingStopArrivalMs after the stop, and the kept file is made from no more than
 * that (and then cut by the timestamps as before). An honest browser has at most a chunk or two
 * (about a second each) still to send at the stop, which arrive well within that; only one more than
 * that many seconds behind loses its last seconds. A cut at the stop itself would drop those honest
 * last chunks every time; the grace alone would let a modified recorder keep 20 s.
 */
export function recordingArrivalCapDue(r: Pick<RecordingProgress, "stoppedAt">, now: Date): boolean {
  return r.stoppedAt !== null && now.getTime() >= r.stoppedAt.getTime() + LIBRARY_LIMITS.recordingStopArrivalMs;
}

export type QuotaDecision = { ok: true } | { ok: false; message: string };

/** May `addingBytes` more be stored for someone who uses `usedBytes` of `quotaBytes`? */
export function decideQuota(input: { usedBytes: number; addingBytes: number; quotaBytes: number }): QuotaDecision {
  if (input.usedBytes + input.addingBytes <= input.quotaBytes) return { ok: true };
  return {
    ok: false,
    message: `Your Library is full (${formatBytes(input.usedBytes)} of ${formatBytes(input.quotaBytes)} used). Delete something to make room.`,
  };
}

/** Bytes for people: "0 KB", "340 KB", "12.5 MB", "1.2 GB" (binary units, one decimal under 100). */
export function formatBytes(bytes: number): string {
  const units = ["KB", "MB", "GB", "TB"] as const;
  let value = Math.max(0, bytes) / 1024;
  let unit: (typeof units)[number] = "KB";
  for (const next of units.slice(1)) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  const rounded = value < 100 && unit !== "KB" ? Math.round(value * 10) / 10 : Math.round(value);
  return `${rounded} ${unit}`;
}

function listNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1) ?? ""}`;
}

const person = z.object({ id: z.string(), displayName: z.string(), handle: z.string() });

/**
 * A Library item as its owner sees it. URLs are the API's authenticated media routes; `stillUrl` is a
 * Live Photo's still or a recording's or video message's poster, `clipUrl` a Live Photo's clip,
 * `mediaUrl` a recording's or saved message's file; each is null when the item has none (yet).
 */
export const libraryItemViewSchema = z.object({
  id: z.string(),
  kind: z.enum(["live-photo", "recording", "saved-message"]),
  status: z.enum(["capturing", "recording", "processing", "ready", "failed"]),
  /** a saved message's kind */
  messageKind: z.enum(["video", "voicemail"]).nullable(),
  /** a saved message: did its owner send it or receive it (`people[0]` is the other person) */
  messageDirection: z.enum(["sent", "received"]).nullable(),
  callId: z.string().nullable(),
  people: z.array(person),
  capturedAt: isoDate,
  readyAt: isoDate.nullable(),
  durationMs: z.number().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  sizeBytes: z.number(),
  stillUrl: z.string().nullable(),
  clipUrl: z.string().nullable(),
  mediaUrl: z.string().nullable(),
  contentType: z.string().nullable(),
  waveform: z.array(z.number()).nullable(),
  transcript: z.string().nullable(),
  stopReason: recordingStopReasonSchema.nullable(),
});
export type LibraryItemView = z.output<typeof libraryItemViewSchema>;

/** The Library's tabs. */
export const libraryFilterSchema = z.enum(["all", "live-photo", "recording", "saved-message"]);
export type LibraryFilter = z.infer<typeof libraryFilterSchema>;

/** Where a Library item's files are served (the API's media route checks the owner). */
export function libraryMediaUrl(itemId: string, file: "still" | "clip" | "media"): string {
  return `/api/media/library/${itemId}/${file}`;
}

// ---- procedure inputs ----

export const libraryItemIdSchema = z.uuid({ error: "Not a valid Library item id" }).toLowerCase();
const personIdSchema = z.uuid({ error: "Not a valid user id" }).toLowerCase();
const callIdInput = z.uuid({ error: "Not a valid call id" }).toLowerCase();

/** library.list: one page of the Library, newest first. */
export const libraryListInput = z.object({
  filter: libraryFilterSchema.default("all"),
  /** only items with this person in them */
  personId: personIdSchema.optional(),
  /** the `nextCursor` of the previous page */
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(50),
});

export const libraryItemRefInput = z.object({ itemId: libraryItemIdSchema });

/** library.saveMessage */
export const saveMessageInput = z.object({ messageId: z.uuid({ error: "Not a valid message id" }).toLowerCase() });

/** livePhotos.availability / recordings.active */
export const captureCallInput = z.object({ callId: callIdInput });

/** livePhotos.capture: the shutter was pressed on `subjectId` in `callId`. */
export const livePhotoCaptureInput = z.object({ callId: callIdInput, subjectId: personIdSchema });

/** recordings.start */
export const recordingStartInput = z.object({ callId: callIdInput });

/** recordings.stop */
export const recordingStopInput = z.object({ recordingId: libraryItemIdSchema });

// ---- the Library's words (titles, file names, history notes) ----

/** What an item is, as a link or heading reads it: "Live Photo of Ana", "Recording with Ana and Bo", "Voicemail from Ana". */
export function libraryItemTitle(item: Pick<LibraryItemView, "kind" | "messageKind" | "messageDirection" | "people">): string {
  const names = item.people.map((p) => p.displayName);
  switch (item.kind) {
    case "live-photo":
      return `Live Photo of ${listNames(names) || "someone"}`;
    case "recording":
      return names.length > 0 ? `Recording with ${listNames(names)}` : "Recording";
    case "saved-message": {
      const what = item.messageKind === "voicemail" ? "Voicemail" : "Video message";
      const other = names[0] ?? "someone";
      return item.messageDirection === "sent" ? `${what} to ${other}` : `${what} from ${other}`;
    }
  }
}

/**
 * A download's file name: the title and the local time it was captured, safe on every file system
 * ("Live Photo of Ana 2026-11-26 15-41.jpg"). `timeZone` is an IANA name; an unknown one means UTC.
 */
export function libraryFileName(title: string, capturedAt: Date, extension: string, timeZone?: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-CA", { timeZone: timeZone ?? "UTC", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(capturedAt);
  } catch {
    parts = new Intl.DateTimeFormat("en-CA", { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(capturedAt);
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "00";
  // characters no file system likes, and control characters, become spaces
  const safe = title.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 120) || "Library item";
  const ext = extension.replace(/[^a-z0-9]/gi, "").toLowerCase() || "bin";
  return `${safe} ${part("year")}-${part("month")}-${part("day")} ${part("hour")}-${part("minute")}.${ext}`;
}

/**
 * What was captured in a call, for one row of the call history: Live Photos or a recording, by one
 * person. `itemId` is set only for the viewer's own captures (they can open them in their Library).
 */
export const captureSummarySchema = z.object({
  kind: z.enum(["live-photo", "recording"]),
  by: z.object({ id: z.string(), displayName: z.string() }),
  mine: z.boolean(),
  count: z.number().int().positive(),
  itemId: z.string().nullable(),
});
export type CaptureSummary = z.output<typeof captureSummarySchema>;

/**
 * "You took a Live Photo", "Ana took a Live Photo of you", "You recorded this call", "Ana recorded
 * this call". Someone else's Live Photo is only ever summarised for its subject (see history-captures).
 */
export function captureSummaryText(summary: CaptureSummary): string {
  const name = summary.mine ? "You" : summary.by.displayName;
  if (summary.kind === "recording") {
    const times = summary.count === 2 ? " twice" : summary.count > 2 ? ` ${summary.count} times` : "";
    return `${name} recorded this call${times}`;
  }
  const photos = summary.count > 1 ? `${summary.count} Live Photos` : "a Live Photo";
  return summary.mine ? `You took ${photos}` : `${name} took ${photos} of you`;
}
