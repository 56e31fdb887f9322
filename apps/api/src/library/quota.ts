import { TRPCError } from "@trpc/server";
import { decideQuota } from "@ringback/core/library";
import { libraryBytesUsed } from "@ringback/db/queries/library";
import type { Tx } from "@ringback/db/queries/calls";
import type { Database } from "@ringback/db/client";

/**
 * May `ownerId` store `addingBytes` more? Returns the readable refusal (the caller answers 413 with
 * it) or null. Run it inside the transaction that adds the bytes, after locking what is added to,
 * so two uploads at once cannot both squeeze under the quota.
 */
export async function quotaRefusal(db: Database | Tx, ownerId: string, addingBytes: number, quotaBytes: number): Promise<string | null> {
  const decision = decideQuota({ usedBytes: await libraryBytesUsed(db, ownerId), addingBytes, quotaBytes });
  return decision.ok ? null : decision.message;
}

/** quotaRefusal for a procedure: a full Library is a 413 with the readable reason. */
export async function assertQuota(db: Database | Tx, ownerId: string, addingBytes: number, quotaBytes: number): Promise<void> {
  const refusal = await quotaRefusal(db, ownerId, addingBytes, quotaBytes);
  if (refusal) throw new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: refusal });
}
