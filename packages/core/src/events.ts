import { z } from "zod";
import { callViewSchema, type CallView } from "./call-views";

/*
 * Every realtime event a person can receive, defined once. The API stores and sends the JSON form
 * (dates as ISO strings); a client parses each event with `realtimeEventSchema`, which checks it and
 * turns the dates back into Dates. A new event type added here makes every exhaustive switch over
 * `RealtimeEvent["type"]` fail to compile until it is handled.
 */

const callPayload = z.object({ call: callViewSchema });

export const realtimeEventSchema = z.discriminatedUnion("type", [
  /** a call started ringing for the recipient (never sent for silent rings) */
  z.object({ type: z.literal("incoming-call"), payload: callPayload }),
  /** a call the recipient can see changed: answered, declined, ended, timed out, someone joined or left */
  z.object({ type: z.literal("call-updated"), payload: callPayload }),
  /** the recipient marked their missed calls as seen (in this tab or another) */
  z.object({ type: z.literal("missed-seen"), payload: z.object({}) }),
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
