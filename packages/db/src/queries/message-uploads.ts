import { and, eq } from "drizzle-orm";
import type { Database } from "../client";
import { messages } from "../schema";
import type { Tx } from "./calls";
import type { MessageRow } from "./messages";

/**
 * Loads a message and locks its row, but only while `uploadId` is still its upload: a retake, a
 * cancel, a pick-up or a second upload for the same message leaves an older upload with nothing.
 */
export async function lockMessageOfUpload(tx: Tx, messageId: string, uploadId: string): Promise<MessageRow | null> {
  const [row] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.uploadId, uploadId)))
    .limit(1)
    .for("update");
  return row ?? null;
}

/**
 * Unbinds an upload whose files could not be made from its unfinished message, so the message is
 * left as before the upload began (ready for another). Returns whether it was still bound.
 */
export async function releaseUpload(db: Database | Tx, messageId: string, uploadId: string): Promise<boolean> {
  const rows = await db
    .update(messages)
    .set({ uploadId: null })
    .where(and(eq(messages.id, messageId), eq(messages.uploadId, uploadId), eq(messages.status, "recording")))
    .returning({ id: messages.id });
  return rows.length > 0;
}
