import { join } from "node:path";

/** tus ids are 32 hex characters (Uid.rand); anything else names no upload of ours. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

export function isUploadId(id: string): boolean {
  return UPLOAD_ID.test(id);
}

/** The tus file of an upload and its JSON info file, beside it (FileStore's layout). */
export function uploadFiles(uploadDir: string, uploadId: string): { data: string; info: string } {
  if (!isUploadId(uploadId)) throw new Error(`Invalid upload id "${uploadId}"`);
  return { data: join(uploadDir, uploadId), info: join(uploadDir, `${uploadId}.json`) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Message ids are UUIDs; checked before one reaches a query or a storage key. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
