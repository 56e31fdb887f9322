import { rm } from "node:fs/promises";
import type { Services } from "../trpc";
import { isUploadId, isUuid, uploadFiles } from "./upload-files";

/** The storage folder of a message's playable file and poster. */
export function messagePrefix(messageId: string): string {
  // a key built from anything else could reach outside the message's own folder
  if (!isUuid(messageId)) throw new Error(`Invalid message id "${messageId}"`);
  return `messages/${messageId.toLowerCase()}/`;
}

/** Removes an upload's tus file and its info file; idempotent. */
export async function removeUploadFiles(uploadDir: string, uploadId: string): Promise<void> {
  if (!isUploadId(uploadId)) return;
  const { data, info } = uploadFiles(uploadDir, uploadId);
  await Promise.all([rm(data, { force: true }), rm(info, { force: true })]);
}

/** What removing stored files needs: the storage, and the job queue when there is one. */
export type RemovalServices = Pick<Services, "media"> & { jobs?: Pick<Services["jobs"], "enqueueDeletion"> };

/**
 * Removes everything stored under a prefix now, or, when the store fails (down, timing out), hands it
 * to the job queue, which retries until the store confirms; throws only when neither worked. So a
 * delete made while the store is down does not leave the person's media in it forever.
 */
export async function removeStoredPrefix(services: RemovalServices, prefix: string): Promise<void> {
  try {
    await services.media.storage.deletePrefix(prefix);
  } catch (err) {
    const later = services.jobs?.enqueueDeletion;
    if (!later) throw err;
    await later.call(services.jobs, prefix).catch(() => {
      throw err;
    });
  }
}

/** Removes everything stored for a message: its upload (finished or not), media and poster. Idempotent. */
export async function removeMessageFiles(services: RemovalServices, message: { id: string; uploadId: string | null }): Promise<void> {
  await Promise.all([
    message.uploadId ? removeUploadFiles(services.media.uploadDir, message.uploadId) : Promise.resolve(),
    removeStoredPrefix(services, messagePrefix(message.id)),
  ]);
}
