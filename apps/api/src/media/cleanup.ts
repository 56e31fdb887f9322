// STUB: owned by the media helper, who replaces the body.
import type { Services } from "../trpc";

/** Removes everything stored for a message: its upload (finished or not), media and poster. Idempotent. */
export async function removeMessageFiles(_services: Pick<Services, "media">, _message: { id: string; uploadId: string | null }): Promise<void> {
  throw new Error("not implemented");
}
