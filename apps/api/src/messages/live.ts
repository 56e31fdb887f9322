import { voicemailTranscriptEvent } from "@ringback/core/events";
import { liveSegmentSchema, mergeLiveSegments, type LiveSegment } from "@ringback/core/messages";
import { publishEvents } from "@ringback/db/queries/events";
import { hideFromRecipientIfBlocked, lockMessage, updateMessage, type MessageRow } from "@ringback/db/queries/messages";
import { z } from "zod";
import type { Services } from "../trpc";

// a 3-minute voicemail has a few dozen utterances; this only bounds a misbehaving worker
const MAX_STORED_SEGMENTS = 1000;

const storedLive = z.array(liveSegmentSchema);

/** The live segments stored with a voicemail ([] when none or unreadable). */
export function liveSegmentsOf(row: Pick<MessageRow, "liveSegments">): LiveSegment[] {
  const parsed = storedLive.safeParse(row.liveSegments ?? []);
  return parsed.success ? parsed.data : [];
}

/**
 * New or revised words from the transcriber for a voicemail being left: stored (so a tab that opens
 * mid-voicemail can catch up) and sent to the recipient, in one transaction. Words that arrive
 * after the voicemail ended (sent, picked up) change nothing. `ended` (the room emptied) changes
 * nothing either: the caller's upload may still finish and send it; if it never does, the sweeper
 * discards it and tells the recipient.
 */
export async function receiveLiveSegments(
  services: Pick<Services, "db">,
  input: { messageId: string; segments: LiveSegment[]; ended?: boolean },
): Promise<"missing" | "ok"> {
  return services.db.transaction(async (tx) => {
    const row = await lockMessage(tx, input.messageId);
    if (!row) return "missing";
    if (row.kind !== "voicemail" || row.status !== "recording" || input.segments.length === 0) return "ok";
    const current = liveSegmentsOf(row);
    const merged = mergeLiveSegments(current, input.segments).slice(-MAX_STORED_SEGMENTS);
    // only what actually changed what the recipient shows (a late partial of a final segment does not)
    const kept = new Set(merged);
    const changed = input.segments.filter((s) => kept.has(s));
    if (changed.length === 0) return "ok";
    await updateMessage(tx, row.id, { liveSegments: merged });
    // a recipient who blocked the caller mid-voicemail hears no more of it, nor gets it after an unblock
    if (await hideFromRecipientIfBlocked(tx, row)) return "ok";
    await publishEvents(tx, [{ userId: row.recipientId, event: voicemailTranscriptEvent(row.id, changed) }]);
    return "ok";
  });
}
