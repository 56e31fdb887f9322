import { MESSAGE_BEGIN_LIMITS, mayBeginMessage } from "@ringback/core/messages";
import type { Database } from "@ringback/db/client";
import { takeThrottle } from "@ringback/db/queries/throttle";

/**
 * Counts one messages.begin by `senderId` on `callId` and says whether it may go on (core
 * MESSAGE_BEGIN_LIMITS). Called for every begin on a call that is the sender's, before the offer
 * decides anything, so an allowed, a blocked and a refused caller are counted alike. A begin over
 * the limit is not counted: waiting always helps.
 */
export async function takeBeginSlot(db: Database, senderId: string, callId: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - MESSAGE_BEGIN_LIMITS.windowMs);
  const slots = [
    { bucket: "message-begin:call", key: `${senderId}:${callId}`, since },
    { bucket: "message-begin:sender", key: senderId, since },
  ];
  const { allowed } = await takeThrottle(db, slots, now, ([onCall, inWindow]) =>
    mayBeginMessage({ onCall: onCall?.count ?? 0, inWindow: inWindow?.count ?? 0 }),
  );
  return allowed;
}
