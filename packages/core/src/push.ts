import { z } from "zod";
import type { CallView } from "./call-views";
import type { RealtimeEvent } from "./events";
import { formatMessageDuration, type MessageView } from "./messages";
import { singleLineText } from "./text";

/*
 * Web Push: which realtime events also reach a person's devices as a push message, and what the
 * notification says. Only events the person already receives are considered, so anything that is
 * never published for them (a blocked or silenced caller's ring, a message they may not get) can
 * never cause a push either.
 */

/** What a service worker receives (the decrypted push payload) and shows. */
export const pushMessageSchema = z.object({
  v: z.literal(1),
  /** ring: someone is calling; ring-over: that ring ended here or elsewhere (close it); missed; message */
  kind: z.enum(["ring", "ring-over", "missed", "message"]),
  /** notifications with the same tag replace each other (a ring becomes "Missed call") */
  tag: z.string(),
  title: z.string(),
  body: z.string(),
  /** the in-app path a click opens */
  url: z.string().regex(/^\/(?![/\\])/, { error: "a path on this site" }),
  callId: z.string().optional(),
  messageId: z.string().optional(),
});
export type PushMessage = z.infer<typeof pushMessageSchema>;

export type PushUrgency = "high" | "normal" | "low";

/** One push to every device of one person. */
export type PushPlan = {
  /** the same key for the same person is pushed once, however many events (or API processes) ask */
  key: string;
  message: PushMessage;
  urgency: PushUrgency;
  /** after this a push service may drop it undelivered, and we stop trying (a ring is useless once it stopped) */
  expiresAt: Date;
};

/** How long a missed call or a new message stays worth delivering to a device that is offline. */
export const PUSH_KEEP_SECONDS = 24 * 60 * 60;

/** The push (if any) that `event`, received by `recipientId`, sends to their devices at `now`. */
export function pushFor(event: RealtimeEvent, recipientId: string, now: Date): PushPlan | null {
  switch (event.type) {
    case "incoming-call":
      return ringPush(event.payload.call, recipientId, now);
    case "call-updated":
      return ringEndedPush(event.payload.call, recipientId, now);
    case "message-received":
      return messagePush(event.payload.message, now);
    // the open app shows these; none is worth waking a device for
    case "missed-seen":
    case "message-changed":
    case "voicemail-started":
    case "voicemail-transcript":
    case "voicemail-ended":
    case "voicemail-picked-up":
    case "live-photo-taken":
    case "recording-started":
    case "recording-stopped":
    case "capture-consent-changed":
    case "library-changed":
      return null;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** The tag every notification about one call shares, so each replaces the one before. */
export function callTag(callId: string): string {
  return `call-${callId}`;
}

function ringPush(call: CallView, recipientId: string, now: Date): PushPlan | null {
  if (call.direction !== "incoming" || call.myRing !== "ringing" || call.myRingDeadline === null) return null;
  // a ring whose deadline passed is already a missed call, which has a push of its own
  if (call.myRingDeadline.getTime() <= now.getTime()) return null;
  const caller = callerName(call);
  return {
    key: `ring:${call.id}`,
    urgency: "high",
    expiresAt: call.myRingDeadline,
    message: {
      v: 1,
      kind: "ring",
      tag: callTag(call.id),
      title: `${caller} is calling`,
      body: callKindLabel(call, recipientId),
      url: `/call/${call.id}`,
      callId: call.id,
    },
  };
}

function ringEndedPush(call: CallView, recipientId: string, now: Date): PushPlan | null {
  if (call.direction !== "incoming") return null;
  switch (call.myRing) {
    case "timeout":
    case "cancelled":
      // `missed` is false for a silent ring: it never rang, so it never becomes a missed call
      if (!call.missed) return null;
      return {
        key: `missed:${call.id}`,
        urgency: "normal",
        expiresAt: new Date(now.getTime() + PUSH_KEEP_SECONDS * 1000),
        message: {
          v: 1,
          kind: "missed",
          tag: callTag(call.id),
          title: `Missed call from ${callerName(call)}`,
          body: callKindLabel(call, recipientId),
          url: "/calls",
          callId: call.id,
        },
      };
    case "answered":
    case "declined":
      // picked up or turned down (on some device): other devices still showing the ring close it
      return {
        key: `ring-over:${call.id}`,
        urgency: "normal",
        // only a device that may still show the ring needs this
        expiresAt: new Date(now.getTime() + 5 * 60 * 1000),
        message: {
          v: 1,
          kind: "ring-over",
          tag: callTag(call.id),
          title: `Call from ${callerName(call)}`,
          body: call.myRing === "answered" ? "Answered" : "Declined",
          url: "/calls",
          callId: call.id,
        },
      };
    // still ringing (someone else joined), or never rang because calls were off
    case "ringing":
    case "unavailable":
    case null:
      return null;
    default: {
      const _exhaustive: never = call.myRing;
      return _exhaustive;
    }
  }
}

function messagePush(message: MessageView, now: Date): PushPlan | null {
  if (message.direction !== "received" || message.status !== "ready") return null;
  const from = message.other.displayName;
  return {
    key: `message:${message.id}`,
    urgency: "normal",
    expiresAt: new Date(now.getTime() + PUSH_KEEP_SECONDS * 1000),
    message: {
      v: 1,
      kind: "message",
      tag: `message-${message.id}`,
      title: message.kind === "video" ? `New video message from ${from}` : `New voicemail from ${from}`,
      body: messageBody(message),
      url: `/messages/${message.id}`,
      messageId: message.id,
    },
  };
}

function callerName(call: CallView): string {
  return call.participants.find((p) => p.role === "caller")?.displayName ?? "Someone";
}

/** "Video call", "Audio call", or "Group video call" when others were rung too. */
function callKindLabel(call: CallView, recipientId: string): string {
  const others = call.participants.filter((p) => p.role === "callee" && p.userId.toLowerCase() !== recipientId.toLowerCase());
  const kind = call.kind === "video" ? "video call" : "audio call";
  return others.length > 0 ? `Group ${kind}` : kind.charAt(0).toUpperCase() + kind.slice(1);
}

// a notification shows two or three lines; the message page has the rest
const SNIPPET_CHARS = 120;

function messageBody(message: MessageView): string {
  // the same "0:42" the player and the history row show
  const length = formatMessageDuration(message.durationMs);
  const transcript = message.transcript?.replace(/\s+/g, " ").trim() ?? "";
  if (transcript) {
    const snippet = transcript.length > SNIPPET_CHARS ? `${transcript.slice(0, SNIPPET_CHARS - 1).trimEnd()}…` : transcript;
    return length ? `${length} · “${snippet}”` : `“${snippet}”`;
  }
  const what = message.kind === "video" ? "Video message" : "Voicemail";
  return length ? `${what} · ${length}` : what;
}

/** The longest endpoint URL we take and store, in ASCII characters (real push services use well under 1 KB). */
export const PUSH_ENDPOINT_MAX_CHARS = 2048;

/** A browser's PushSubscription as `push.subscribe` takes it (the endpoint's address is checked by the API). */
export const pushSubscribeInput = z.object({
  // the API checks the address further (https, public: see apps/api/src/push/endpoint-guard.ts)
  endpoint: z
    .string({ error: "endpoint is required" })
    .max(PUSH_ENDPOINT_MAX_CHARS, { error: "That push endpoint is too long" })
    .regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\/./, { error: "The push endpoint must be an https:// URL" })
    // real push services hand out ASCII URLs; anything else (a NUL, spaces, non-ASCII) is not a browser's endpoint
    .regex(/^[\x21-\x7e]+$/, { error: "The push endpoint can only contain printable ASCII characters (no spaces)" }),
  // base64url as PushSubscription.toJSON() gives them (padding tolerated)
  keys: z.object({
    // an uncompressed P-256 point, 65 bytes starting 0x04 (RFC 8291 §3.1)
    p256dh: z
      .string({ error: "keys.p256dh is required" })
      .regex(/^B[A-Za-z0-9_-]{86}=?$/, { error: "keys.p256dh must be a base64url P-256 public key (65 bytes)" }),
    // RFC 8291 §3.2: 16 random bytes
    auth: z.string({ error: "keys.auth is required" }).regex(/^[A-Za-z0-9_-]{22}(==)?$/, { error: "keys.auth must be a base64url 16-byte secret" }),
  }),
  /** what Settings calls this device; the API falls back to a name from the browser */
  label: singleLineText({
    label: "Device name",
    min: 1,
    max: 80,
    tooShort: "Device name can't be empty",
    tooLong: "Device name must be at most 80 characters",
  }).optional(),
});
export type PushSubscribeInput = z.infer<typeof pushSubscribeInput>;

/** A short device name from a User-Agent string ("Chrome on Android"), for a subscription without a label. */
export function deviceLabel(userAgent: string | null | undefined): string {
  const ua = userAgent ?? "";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /OPR\/|Opera/.test(ua)
      ? "Opera"
      : /Firefox\//.test(ua)
        ? "Firefox"
        : /Chrome\/|Chromium\//.test(ua)
          ? "Chrome"
          : /Safari\//.test(ua)
            ? "Safari"
            : "Browser";
  const system = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad|iPod/.test(ua)
      ? "iOS"
      : /Mac OS X|Macintosh/.test(ua)
        ? "macOS"
        : /Windows/.test(ua)
          ? "Windows"
          : /CrOS/.test(ua)
            ? "ChromeOS"
            : /Linux/.test(ua)
              ? "Linux"
              : null;
  return system ? `${browser} on ${system}` : browser;
}

/** One of my devices, by the id `push.list` gave it. */
export const pushDeviceRefInput = z.object({ id: z.uuid({ error: "Not a valid device id" }).toLowerCase() });

/** A device that receives my pushes, as Settings lists it. */
export type PushDeviceView = { id: string; label: string; createdAt: Date; lastUsedAt: Date | null; current: boolean };
