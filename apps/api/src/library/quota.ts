import { TRPCError } from "@trpc/server";
import { decideQuota } from "@ringback/core/library";
import { libraryBytesUsed } from "@ringback/db/queries/library";
import { lockLibraryQuota } from "@ringback/db/queries/library-list";
import type { Tx } from "@ringback/db/queries/calls";
import type { Database } from "@ringback/db/client";

/**
 * May `ownerId` store `addingBytes` more? Returns the readable refusal (the caller answers 413 with
 * it) or null. Run it inside the transaction that adds the bytes: it takes the owner's quota lock
 * (held to the end of that transaction), so two additions at once cannot both squeeze under it.
 */
export async function quotaRefusal(db: Database | Tx, ownerId: string, addingBytes: number, quotaBytes: number): Promise<string | null> {
  // every addition to one person's Library, of any kind, checks the quota one after the other (the
  // lock lasts until the caller's transaction ends; outside one it guards only this read)
  await lockLibraryQuota(db, ownerId);
  const decision = decideQuota({ usedBytes: await libraryBytesUsed(db, ownerId), addingBytes, quotaBytes });
  return decision.ok ? null : decision.message;
}

/** quotaRefusal for a procedure: a full Library is a 413 with the readable reason. */
export async function assertQuota(db: Database | Tx, ownerId: string, addingBytes: number, quotaBytes: number): Promise<void> {
  const refusal = await quotaRefusal(db, ownerId, addingBytes, quotaBytes);
  if (refusal) throw new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: refusal });
}
