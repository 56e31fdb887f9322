import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { libraryChangedEvent, livePhotoTakenEvent } from "@ringback/core/events";
import { LIBRARY_LIMITS } from "@ringback/core/library";
import { publishEvents } from "@ringback/db/queries/events";
import { insertLibraryItem } from "@ringback/db/queries/library";
import { capturingSince } from "@ringback/db/queries/live-photos";
import type { Services } from "../trpc";
import { livePhotoStanding } from "./live-photo-rules";
import { quotaRefusal } from "./quota";
import { LIBRARY_PHOTOS_PATH } from "./photo-upload";

/**
 * Presses whose files have not arrived yet that one person may have at once. A shutter pressed
 * faster than its uploads finish is someone scripting it: each press notifies the subject.
 */
export const MAX_PENDING_CAPTURES = 5;
export const TOO_MANY_CAPTURES = "You're taking Live Photos too quickly. Wait a moment and try again.";

/**
 * The shutter was pressed: checks presence, then consent, then the taker's quota, and creates the
 * item `capturing`. In the same transaction the subject is told ("Ana took a Live Photo") and the
 * taker's Library hears of the new item, so nobody is photographed without being told, and nobody
 * is told of a photo that was refused.
 */
export async function captureLivePhoto(
  services: Pick<Services, "db" | "media">,
  input: { callId: string; takerId: string; subjectId: string; now: Date },
): Promise<{ itemId: string; uploadUrl: string }> {
  return services.db.transaction(async (tx) => {
    const standing = await livePhotoStanding(tx, input);
    if (!standing.ok) throw new TRPCError({ code: standing.code, message: standing.message });
    const quota = await quotaRefusal(tx, input.takerId, 1, services.media.libraryQuotaBytes);
    if (quota) throw new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: quota });
    const since = new Date(input.now.getTime() - LIBRARY_LIMITS.captureAbandonAfterMs);
    if ((await capturingSince(tx, input.takerId, since)) >= MAX_PENDING_CAPTURES) {
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: TOO_MANY_CAPTURES });
    }
    const id = randomUUID();
    await insertLibraryItem(tx, {
      id,
      ownerId: input.takerId,
      kind: "live-photo",
      status: "capturing",
      callId: input.callId,
      people: [standing.subject.userId],
      capturedAt: input.now,
    });
    const by = { id: standing.taker.userId, displayName: standing.taker.displayName, handle: standing.taker.handle };
    await publishEvents(tx, [
      { userId: standing.subject.userId, event: livePhotoTakenEvent({ callId: input.callId, by, takenAt: input.now }) },
      { userId: input.takerId, event: libraryChangedEvent(id, "added") },
    ]);
    return { itemId: id, uploadUrl: `${LIBRARY_PHOTOS_PATH}/${id}` };
  });
}
