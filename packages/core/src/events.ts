import { z } from "zod";
import { callViewSchema, type CallView } from "./call-views";
import { isoDate } from "./iso-date";
import { recordingStopReasonSchema, type RecordingStopReason } from "./library";
import { liveSegmentSchema, messageViewSchema, type LiveSegment, type MessageView } from "./messages";

/*
 * Every realtime event a person can receive, defined once. The API stores and sends the JSON form
 * (dates as ISO strings); a client parses each event with `realtimeEventSchema`, which checks it and
 * turns the dates back into Dates. A new event type added here makes every exhaustive switch over
 * `RealtimeEvent["type"]` fail to compile until it is handled.
 */

const callPayload = z.object({ call: callViewSchema });
const personRef = z.object({ id: z.string(), displayName: z.string(), handle: z.string() });
/** someone in a call, as an event names them */
export type PersonRef = z.infer<typeof personRef>;

export const realtimeEventSchema = z.discriminatedUnion("type", [
  /** a call started ringing for the recipient (never sent for silent rings) */
  z.object({ type: z.literal("incoming-call"), payload: callPayload }),
  /** a call the recipient can see changed: answered, declined, ended, timed out, someone joined or left */
  z.object({ type: z.literal("call-updated"), payload: callPayload }),
  /** the recipient marked their missed calls as seen (in this tab or another) */
  z.object({ type: z.literal("missed-seen"), payload: z.object({}) }),
  /** a message for the recipient is complete and playable (never sent for one they may not get) */
  z.object({ type: z.literal("message-received"), payload: z.object({ message: messageViewSchema }) }),
  /** one of the person's messages was watched or deleted (in another tab, or by the other person) */
  z.object({
    type: z.literal("message-changed"),
    payload: z.object({ messageId: z.string(), change: z.enum(["seen", "deleted"]) }),
  }),
  /** someone started leaving the recipient a live voicemail: show its transcript and Pick Up */
  z.object({
    type: z.literal("voicemail-started"),
    payload: z.object({
      messageId: z.string(),
      callId: z.string().nullable(),
      from: z.object({ id: z.string(), displayName: z.string(), handle: z.string() }),
      startedAt: isoDate,
    }),
  }),
  /** new or revised words of a live voicemail (segments replace earlier versions with the same id) */
  z.object({
    type: z.literal("voicemail-transcript"),
    payload: z.object({ messageId: z.string(), segments: z.array(liveSegmentSchema) }),
  }),
  /** a live voicemail is over: sent (a message-received follows when it is ready), picked up, or abandoned */
  z.object({
    type: z.literal("voicemail-ended"),
    payload: z.object({ messageId: z.string(), reason: z.enum(["sent", "picked-up", "abandoned"]) }),
  }),
  /** to the caller: the recipient picked up the voicemail they are leaving; `call` is the live call it became */
  z.object({
    type: z.literal("voicemail-picked-up"),
    payload: z.object({ messageId: z.string(), call: callViewSchema }),
  }),
  /** to the subject: someone in the call took a Live Photo of them (sent the moment the shutter is pressed) */
  z.object({
    type: z.literal("live-photo-taken"),
    payload: z.object({ callId: z.string(), by: personRef, takenAt: isoDate }),
  }),
  /** to everyone in the call (the recorder too): the call is being recorded from now on */
  z.object({
    type: z.literal("recording-started"),
    payload: z.object({ callId: z.string(), recordingId: z.string(), by: personRef, startedAt: isoDate }),
  }),
  /** to everyone in the call: the recording stopped; `who` is the person who caused it (a joiner without consent) */
  z.object({
    type: z.literal("recording-stopped"),
    payload: z.object({
      callId: z.string(),
      recordingId: z.string(),
      by: personRef,
      reason: recordingStopReasonSchema,
      who: z.string().nullable(),
      stoppedAt: isoDate,
    }),
  }),
  /** to the others in a live call: someone changed whether they allow Live Photos or recording */
  z.object({
    type: z.literal("capture-consent-changed"),
    payload: z.object({ callId: z.string(), userId: z.string(), allowLivePhotos: z.boolean(), allowRecording: z.boolean() }),
  }),
  /** to the owner: a Library item was added, became ready, failed or was deleted (in this tab or another) */
  z.object({
    type: z.literal("library-changed"),
    payload: z.object({ itemId: z.string(), change: z.enum(["added", "ready", "failed", "deleted"]) }),
  }),
]);

/** A realtime event as code uses it (dates are Dates). */
export type RealtimeEvent = z.output<typeof realtimeEventSchema>;
/** A realtime event as it is stored and sent (dates are ISO strings). */
export type RealtimeEventJson = z.input<typeof realtimeEventSchema>;
export type RealtimeEventType = RealtimeEvent["type"];

/** A call started ringing for the recipient. */
export function incomingCallEvent(call: CallView): RealtimeEvent {
  return { type: "incoming-call", payload: { call } };
}

/** A call the recipient can see changed. */
export function callUpdatedEvent(call: CallView): RealtimeEvent {
  return { type: "call-updated", payload: { call } };
}

/** The recipient's missed calls were marked as seen. */
export function missedSeenEvent(): RealtimeEvent {
  return { type: "missed-seen", payload: {} };
}

/** The JSON form of an event, for storing and sending. */
export function encodeRealtimeEvent(event: RealtimeEvent): RealtimeEventJson {
  return realtimeEventSchema.encode(event);
}

/** Parses a received or stored event; a failure means it is malformed or of a type this code does not know. */
export function parseRealtimeEvent(json: unknown): z.ZodSafeParseResult<RealtimeEvent> {
  return realtimeEventSchema.safeParse(json);
}

/** A message reached its recipient (it is ready). */
export function messageReceivedEvent(message: MessageView): RealtimeEvent {
  return { type: "message-received", payload: { message } };
}

/** A message was watched or deleted. */
export function messageChangedEvent(messageId: string, change: "seen" | "deleted"): RealtimeEvent {
  return { type: "message-changed", payload: { messageId, change } };
}

/** Someone started leaving the recipient a live voicemail. */
export function voicemailStartedEvent(payload: {
  messageId: string;
  callId: string | null;
  from: { id: string; displayName: string; handle: string };
  startedAt: Date;
}): RealtimeEvent {
  return { type: "voicemail-started", payload };
}

/** New words of a live voicemail. */
export function voicemailTranscriptEvent(messageId: string, segments: LiveSegment[]): RealtimeEvent {
  return { type: "voicemail-transcript", payload: { messageId, segments } };
}

/** A live voicemail is over. */
export function voicemailEndedEvent(messageId: string, reason: "sent" | "picked-up" | "abandoned"): RealtimeEvent {
  return { type: "voicemail-ended", payload: { messageId, reason } };
}

/** To the caller: the voicemail they are leaving was picked up and is now `call`. */
export function voicemailPickedUpEvent(messageId: string, call: CallView): RealtimeEvent {
  return { type: "voicemail-picked-up", payload: { messageId, call } };
}

/** To the subject: `by` took a Live Photo of them in `callId`. */
export function livePhotoTakenEvent(payload: { callId: string; by: PersonRef; takenAt: Date }): RealtimeEvent {
  return { type: "live-photo-taken", payload };
}

/** To everyone in the call: it is being recorded. */
export function recordingStartedEvent(payload: { callId: string; recordingId: string; by: PersonRef; startedAt: Date }): RealtimeEvent {
  return { type: "recording-started", payload };
}

/** To everyone in the call: the recording stopped. */
export function recordingStoppedEvent(payload: {
  callId: string;
  recordingId: string;
  by: PersonRef;
  reason: RecordingStopReason;
  who: string | null;
  stoppedAt: Date;
}): RealtimeEvent {
  return { type: "recording-stopped", payload };
}

/** To the others in a live call: someone's capture consent changed. */
export function captureConsentChangedEvent(payload: { callId: string; userId: string; allowLivePhotos: boolean; allowRecording: boolean }): RealtimeEvent {
  return { type: "capture-consent-changed", payload };
}

/** To the owner: a Library item changed. */
export function libraryChangedEvent(itemId: string, change: "added" | "ready" | "failed" | "deleted"): RealtimeEvent {
  return { type: "library-changed", payload: { itemId, change } };
}
