import { and, desc, eq, inArray, or } from "drizzle-orm";
import type { Database } from "../client";
import { blocks, messages, users } from "../schema";

export type BlockedRow = { userId: string; handle: string; displayName: string; blockedAt: Date };

export async function listBlocked(db: Database, blockerId: string): Promise<BlockedRow[]> {
  return db
    .select({ userId: users.id, handle: users.handle, displayName: users.displayName, blockedAt: blocks.createdAt })
    .from(blocks)
    .innerJoin(users, eq(users.id, blocks.blockedId))
    .where(eq(blocks.blockerId, blockerId))
    .orderBy(desc(blocks.createdAt));
}

/**
 * Blocks someone. A message they are making for the blocker right now (recording or processing)
 * is hidden from the blocker for good in the same transaction, so unblocking a moment later cannot
 * let it through; the sender's own copy is untouched, so they notice nothing.
 */
export async function addBlock(db: Database, blockerId: string, blockedId: string) {
  await db.transaction(async (tx) => {
    await tx.insert(blocks).values({ blockerId, blockedId }).onConflictDoNothing();
    await tx
      .update(messages)
      .set({ hiddenFromRecipient: true })
      .where(and(eq(messages.senderId, blockedId), eq(messages.recipientId, blockerId), inArray(messages.status, ["recording", "processing"])));
  });
}

export async function removeBlock(db: Database, blockerId: string, blockedId: string): Promise<boolean> {
  const rows = await db
    .delete(blocks)
    .where(and(eq(blocks.blockerId, blockerId), eq(blocks.blockedId, blockedId)))
    .returning({ id: blocks.blockedId });
  return rows.length > 0;
}

/** Which of the two directions are blocked between a and b. */
export async function blockBetween(db: Database, a: string, b: string) {
  const rows = await db
    .select({ blockerId: blocks.blockerId })
    .from(blocks)
    .where(or(and(eq(blocks.blockerId, a), eq(blocks.blockedId, b)), and(eq(blocks.blockerId, b), eq(blocks.blockedId, a))));
  return { aBlockedB: rows.some((r) => r.blockerId === a), bBlockedA: rows.some((r) => r.blockerId === b) };
}
