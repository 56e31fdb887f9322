import { z } from "zod";
import type { CallView } from "./call-views";
import { isoDate } from "./iso-date";
import { type MessageDecision } from "./reachability";
import { instantSchema, singleLineText } from "./text";

/*
 * Missed-call messages: video messages (after an unanswered video call) and voicemails (after an
 * unanswered audio call, left live so the recipient can follow and pick up). The rules for who may
 * leave one, what may be uploaded and who sees what live here; the API enforces them.
 */

export type MessageKind = "video" | "voicemail";

/** Hard limits on one message, checked by the browser while recording and by the API on upload. */
export const MESSAGE_LIMITS = {
  /** longest recording a person may make */
  maxSeconds: 180,
  /** slack on top of maxSeconds for container overhead and a late stop */
  graceSeconds: 5,
  /** how long after an unanswered call its caller may still leave a message */
  leaveWithinMs: 15 * 60_000,
  /** an upload that is not complete by then is abandoned and swept */
  abandonAfterMs: 30 * 60_000,
  /**
   * a voicemail is spoken live, so one still unfinished this long after it began (longest
   * recording, grace, and minutes for a small audio upload to finish) was abandoned: the
   * recipient's Live Voicemail screen should not wait half an hour to say so
   */
  voicemailAbandonAfterMs: 8 * 60_000,
  /** a message whose jobs have not finished this long after it began is stuck, and swept */
  processingAbandonAfterMs: 6 * 60 * 60_000,
} as const;

/** The moments before which unfinished messages count as abandoned, per kind and state, at `now`. */
export function abandonCutoffs(now: Date): { video: Date; voicemail: Date; processing: Date } {
  const before = (ms: number) => new Date(now.getTime() - ms);
  return {
    video: before(MESSAGE_LIMITS.abandonAfterMs),
    voicemail: before(MESSAGE_LIMITS.voicemailAbandonAfterMs),
    processing: before(MESSAGE_LIMITS.processingAbandonAfterMs),
  };
}

/** What a recording's declared type may be, per kind (the API checks the real type by content). */
export const MESSAGE_CONTENT_TYPES: Record<MessageKind, readonly string[]> = {
  video: ["video/webm", "video/mp4"],
  voicemail: ["audio/webm", "audio/ogg", "audio/mp4", "video/webm"],
};

/** The one message kind that fits a call of this kind. */
export function messageKindFor(callKind: CallView["kind"]): MessageKind {
  return callKind === "video" ? "video" : "voicemail";
}

/** What the caller may leave after a call: nothing, a video message or a voicemail. */
export type MessageOffer = { kind: MessageKind | null };

/**
 * Decides what the caller is offered on the "No answer" screen. `decision` is the message policy
 * (reachability.decideLeaveMessage); `acceptMessages` and `liveVoicemail` are the callee's settings.
 * A blocked caller gets exactly what a caller gets whose callee takes no messages at all: nothing,
 * with no reason. "Accept messages" off is what makes that plausible even to someone who shared a
 * call with the callee (whom the policy would otherwise allow).
 */
export function messageOffer(input: {
  call: Pick<CallView, "kind" | "direction" | "status" | "endedAt" | "participants">;
  viewerId: string;
  decision: MessageDecision;
  acceptMessages: boolean;
  liveVoicemail: boolean;
  now: Date;
}): MessageOffer {
  const { call, decision, acceptMessages, liveVoicemail, now } = input;
  if (call.direction !== "outgoing") return { kind: null };
  const callees = call.participants.filter((p) => p.role === "callee");
  // messages are one to one: a group call that nobody answered offers none
  const only = callees.length === 1 ? callees[0] : undefined;
  if (!only) return { kind: null };
  // silent rings read as "no-answer" to the caller, so this does not depend on a block
  if (only.outcome !== "no-answer" && only.outcome !== "declined" && only.outcome !== "unavailable") return { kind: null };
  if (call.status === "ringing" || call.status === "active") return { kind: null };
  // the caller hung up before anyone could answer: their own choice, the same whether or not the ring was silent
  if (call.status === "cancelled") return { kind: null };
  const endedAt = call.endedAt;
  if (!endedAt || now.getTime() - endedAt.getTime() > MESSAGE_LIMITS.leaveWithinMs) return { kind: null };
  if (!decision.ok || !acceptMessages) return { kind: null };
  const kind = messageKindFor(call.kind);
  if (kind === "voicemail" && !liveVoicemail) return { kind: null };
  return { kind };
}

/** Why a message cannot be started; every reason shows the sender the same words. */
export const MESSAGE_REFUSED_TEXT = "You can't leave a message for this call.";

/**
 * How many messages one sender may begin (each begin can tell the recipient a voicemail started
 * and ended, and starts a transcriber session): per call, retakes included, and per hour over all
 * calls. Every begin counts, allowed or refused, so the limit is the same whatever the recipient's
 * settings or blocks and says nothing about them.
 */
export const MESSAGE_BEGIN_LIMITS = { perCall: 6, perHour: 30, windowMs: 60 * 60_000 } as const;

/** What a sender over the begin limit is told. */
export const MESSAGE_TOO_FAST_TEXT = "You're leaving messages too quickly. Try again in a few minutes.";

/** True when one more begin is allowed, given the sender's begins within the window on this call and on all calls. */
export function mayBeginMessage(begun: { onCall: number; inWindow: number }): boolean {
  return begun.onCall < MESSAGE_BEGIN_LIMITS.perCall && begun.inWindow < MESSAGE_BEGIN_LIMITS.perHour;
}

/** True when a recording of this length (ms) is within the limit, grace included. */
export function withinDurationLimit(durationMs: number): boolean {
  return durationMs > 0 && durationMs <= (MESSAGE_LIMITS.maxSeconds + MESSAGE_LIMITS.graceSeconds) * 1000;
}

/** One timed word of a transcript. */
export const transcriptWordSchema = z.object({ text: z.string(), startMs: z.number(), endMs: z.number() });
/** One timed segment of a transcript (a sentence or a pause-delimited phrase). */
export const transcriptSegmentSchema = z.object({
  startMs: z.number(),
  endMs: z.number(),
  text: z.string(),
  words: z.array(transcriptWordSchema),
});
export type TranscriptWord = z.output<typeof transcriptWordSchema>;
export type TranscriptSegment = z.output<typeof transcriptSegmentSchema>;

/** A piece of a live transcript: the segment `id` is replaced by each newer version until it is final. */
export const liveSegmentSchema = z.object({
  id: z.number().int().nonnegative(),
  text: z.string().max(2000),
  final: z.boolean(),
  startMs: z.number().nonnegative(),
  endMs: z.number().nonnegative(),
});
export type LiveSegment = z.output<typeof liveSegmentSchema>;

/** Merges newer live segments into what a client already shows (same id: newer wins), in time order. */
export function mergeLiveSegments(current: readonly LiveSegment[], incoming: readonly LiveSegment[]): LiveSegment[] {
  const byId = new Map(current.map((s) => [s.id, s]));
  for (const s of incoming) {
    const had = byId.get(s.id);
    // a final segment is never replaced by a late partial of itself
    if (had?.final && !s.final) continue;
    byId.set(s.id, s);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

const personSchema = z.object({ id: z.string(), displayName: z.string(), handle: z.string() });

/** A message as one of its two people sees it: what every messages.* procedure returns and events carry. */
export const messageViewSchema = z.object({
  id: z.string(),
  callId: z.string().nullable(),
  kind: z.enum(["video", "voicemail"]),
  /** received: the viewer is the recipient; sent: the viewer left it */
  direction: z.enum(["received", "sent"]),
  /** the recipient only ever sees "ready"; the sender also sees their message while it is made, and a failed one */
  status: z.enum(["recording", "processing", "ready", "failed"]),
  /** the other person */
  other: personSchema,
  createdAt: isoDate,
  durationMs: z.number().int().nonnegative().nullable(),
  /** the recipient has watched or listened to it (for a sent message: the recipient has) */
  seen: z.boolean(),
  /** the playable file, through the authenticated media route */
  mediaUrl: z.string(),
  posterUrl: z.string().nullable(),
  waveform: z.array(z.number()).nullable(),
  transcriptStatus: z.enum(["pending", "ready", "failed", "none"]),
  transcript: z.string().nullable(),
});
export type MessageView = z.output<typeof messageViewSchema>;

/** The media route's paths for a message: the API serves them to its two people only. */
export function messageMediaPaths(messageId: string, hasPoster: boolean): { mediaUrl: string; posterUrl: string | null } {
  return {
    mediaUrl: `/api/media/messages/${messageId}`,
    posterUrl: hasPoster ? `/api/media/messages/${messageId}/poster` : null,
  };
}

/** A stored message as far as visibility goes. */
export type MessageAccess = {
  senderId: string;
  recipientId: string;
  status: "recording" | "processing" | "ready" | "failed";
  /** the recipient has blocked the sender (possibly after the message was left) */
  recipientBlockedSender?: boolean;
  /**
   * the recipient blocked the sender at some point while the message was being made: it never
   * reaches them, even after they unblock (the sender is not told)
   */
  hiddenFromRecipient?: boolean;
};

/** The recipient is cut off from this message: they block its sender now, or did while it was made. */
function hiddenFromItsRecipient(message: MessageAccess): boolean {
  return message.recipientBlockedSender === true || message.hiddenFromRecipient === true;
}

/**
 * Who may see a message: its sender always (while they record it, too), its recipient only once it
 * is ready, while they do not block its sender and if they did not while it was made; nobody else. Anything else must look exactly
 * like a message that does not exist.
 */
export function canSeeMessage(message: MessageAccess, viewerId: string): boolean {
  const viewer = viewerId.toLowerCase();
  if (message.senderId.toLowerCase() === viewer) return true;
  return message.recipientId.toLowerCase() === viewer && message.status === "ready" && !hiddenFromItsRecipient(message);
}

/**
 * Who may follow a voicemail while it is left (messages.live) and how: its two people, with
 * `active` while it is still being spoken. Its recipient knew of it from the moment it started
 * (voicemail-started), so for them it exists before it is ready; a video message does not.
 */
export function liveAccess(message: MessageAccess & { kind: MessageKind }, viewerId: string): { ok: true; active: boolean } | { ok: false } {
  const viewer = viewerId.toLowerCase();
  const isSender = message.senderId.toLowerCase() === viewer;
  const isRecipient = message.recipientId.toLowerCase() === viewer && !hiddenFromItsRecipient(message);
  if (message.kind !== "voicemail" || (!isSender && !isRecipient) || message.status === "failed") return { ok: false };
  return { ok: true, active: message.status === "recording" };
}

/** The number on the Calls badge: missed calls not yet seen plus messages not yet watched. */
export function badgeCount(input: { unseenMissedCalls: number; unwatchedMessages: number }): number {
  return Math.max(0, input.unseenMissedCalls) + Math.max(0, input.unwatchedMessages);
}

/**
 * "0:05", "2:59": a message's length as people read it. Whole seconds rounded down, as browsers'
 * players show it, so a thumbnail and the player never disagree (4.9 s is "0:04" in both).
 */
export function formatMessageDuration(durationMs: number | null): string {
  if (durationMs === null || !Number.isFinite(durationMs) || durationMs < 0) return "";
  const total = Math.floor(durationMs / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${seconds.toString().padStart(2, "0")}`;
}


/** The summary of a message that a call's history row shows (a thumbnail with its length). */
export const messageSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(["video", "voicemail"]),
  durationMs: z.number().int().nonnegative().nullable(),
  posterUrl: z.string().nullable(),
  waveform: z.array(z.number()).nullable(),
  seen: z.boolean(),
});
export type MessageSummary = z.output<typeof messageSummarySchema>;

/** A message's history-row summary, from its view. */
export function summarizeMessage(view: MessageView): MessageSummary {
  return {
    id: view.id,
    kind: view.kind,
    durationMs: view.durationMs,
    posterUrl: view.posterUrl,
    waveform: view.waveform,
    seen: view.seen,
  };
}

// ---- procedure inputs ----

const LIMIT_TEXT = "Limit must be a whole number from 1 to 100";
export const messageIdSchema = z.uuid({ error: "Not a valid message id" }).toLowerCase();

/** messages.offer and messages.begin: the call that went unanswered. */
export const messageCallInput = z.object({ callId: z.uuid({ error: "Not a valid call id" }).toLowerCase() });
/** Every procedure about one message. */
export const messageRefInput = z.object({ messageId: messageIdSchema });
/**
 * Where the next page of messages.list starts: the last message seen (its createdAt and id). The
 * list is ordered by both, so messages made in the same millisecond are neither skipped nor repeated.
 */
export const messageCursorSchema = z.object(
  {
    createdAt: instantSchema("Not a valid cursor"),
    id: z.uuid({ error: "Not a valid cursor" }).toLowerCase(),
  },
  { error: "Not a valid cursor" },
);
/** messages.list: newest first, optionally with one person or of one kind; `before` is the last message seen. */
export const messageListInput = z.object({
  withUserId: z.uuid({ error: "Not a valid user id" }).toLowerCase().optional(),
  kind: z.enum(["video", "voicemail"], { error: "Kind must be video or voicemail" }).optional(),
  limit: z.number({ error: LIMIT_TEXT }).int({ error: LIMIT_TEXT }).min(1, { error: LIMIT_TEXT }).max(100, { error: LIMIT_TEXT }).default(50),
  before: messageCursorSchema.optional(),
});
/** messages.search: words to find in the transcripts of my messages. */
export const messageSearchInput = z.object({
  q: singleLineText({
    label: "Search",
    min: 1,
    max: 200,
    tooShort: "Type at least one character",
    tooLong: "Search is limited to 200 characters",
  }),
});
export type MessageListInput = z.input<typeof messageListInput>;

/** The body the transcriber worker posts with a live voicemail's segments. */
export const liveCallbackSchema = z.object({
  messageId: messageIdSchema,
  segments: z.array(liveSegmentSchema).max(500),
  ended: z.boolean().optional(),
});
export type LiveCallback = z.output<typeof liveCallbackSchema>;
