import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { removeStoredPrefix, type RemovalServices } from "../media/cleanup";
import { isUploadId, uploadFiles } from "../media/upload-files";
import type { Services } from "../trpc";
import { libraryPrefix } from "./views";

/** Where a call recording streams while it is made (tus 1.0: creation, creation-defer-length, termination). */
export const LIBRARY_UPLOADS_PATH = "/api/library/uploads";

/** Recordings' resumable uploads live in a folder of their own inside the upload folder. */
export function recordingUploadDir(uploadDir: string): string {
  return join(uploadDir, "recordings");
}

/** A recording upload's tus data file and its JSON info file. */
export function recordingUploadFiles(uploadDir: string, uploadId: string): { data: string; info: string } {
  return uploadFiles(recordingUploadDir(uploadDir), uploadId);
}

/** Removes a recording upload's files; idempotent. */
export async function removeRecordingUpload(uploadDir: string, uploadId: string | null): Promise<void> {
  if (!uploadId || !isUploadId(uploadId)) return;
  const { data, info } = recordingUploadFiles(uploadDir, uploadId);
  await Promise.all([rm(data, { force: true }), rm(info, { force: true })]);
}

/** Everything of an item: its upload (if any) and its stored files. Idempotent. */
export async function removeItemFiles(services: RemovalServices, item: { id: string; uploadId: string | null }): Promise<void> {
  // stored files the store cannot remove now go to the job queue (see removeStoredPrefix)
  await Promise.all([removeRecordingUpload(services.media.uploadDir, item.uploadId), removeStoredPrefix(services, libraryPrefix(item.id))]);
}

/** Upload ids in the recordings' upload folder, with when each was last written (ms). */
export async function recordingUploadsOnDisk(uploadDir: string): Promise<Array<{ id: string; touchedMs: number }>> {
  const dir = recordingUploadDir(uploadDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const ids = [...new Set(names.map((n) => n.replace(/\.json$/, "")).filter(isUploadId))];
  return Promise.all(
    ids.map(async (id) => {
      const { data, info } = recordingUploadFiles(uploadDir, id);
      return { id, touchedMs: Math.max(await mtimeOf(data), await mtimeOf(info)) };
    }),
  );
}

async function mtimeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}
