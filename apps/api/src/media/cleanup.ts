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

/** Removes everything stored for a message: its upload (finished or not), media and poster. Idempotent. */
export async function removeMessageFiles(services: Pick<Services, "media">, message: { id: string; uploadId: string | null }): Promise<void> {
  await Promise.all([
    message.uploadId ? removeUploadFiles(services.media.uploadDir, message.uploadId) : Promise.resolve(),
    services.media.storage.deletePrefix(messagePrefix(message.id)),
  ]);
}
