import { readdir, stat } from "node:fs/promises";
import { MESSAGE_LIMITS } from "@ringback/core/messages";
import { messageByUpload } from "@ringback/db/queries/messages";
import { sweepLibrary, type LibrarySweep } from "../library/sweep";
import { sweepAbandoned } from "../messages/service";
import type { Services } from "../trpc";
import { removeUploadFiles } from "./cleanup";
import { isUploadId, uploadFiles } from "./upload-files";

/**
 * The media side of cleaning up, as if the clock read `now`: abandoned unfinished messages go with
 * their files (the message service decides which), then upload files that no unfinished message
 * owns any more (a crash between a refusal and its clean-up, a message deleted mid-upload) once they
 * are older than the abandon limit; then the Library's leftovers (see sweepLibrary).
 */
export async function sweepMedia(services: Services, now: Date): Promise<{ messages: number; uploads: number; library: LibrarySweep }> {
  const messages = await sweepAbandoned(services, now);
  const uploads = await removeOrphanUploads(services, now);
  const library = await sweepLibrary(services, now);
  return { messages, uploads, library };
}

export async function removeOrphanUploads(services: Services, now: Date): Promise<number> {
  const { uploadDir } = services.media;
  let names: string[];
  try {
    names = await readdir(uploadDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw err;
  }
  // an upload is its data file and its .json info; either alone is a leftover too
  const ids = new Set(names.map((n) => n.replace(/\.json$/, "")).filter(isUploadId));
  const cutoff = now.getTime() - MESSAGE_LIMITS.abandonAfterMs;
  let removed = 0;
  for (const id of ids) {
    const { data, info } = uploadFiles(uploadDir, id);
    const touched = Math.max(await mtimeOf(data), await mtimeOf(info));
    if (touched >= cutoff) continue;
    const message = await messageByUpload(services.db, id);
    // still on its way (a recording the sweep above keeps, or a job yet to run): not an orphan
    if (message && (message.status === "recording" || message.status === "processing")) continue;
    await removeUploadFiles(uploadDir, id);
    removed += 1;
  }
  return removed;
}

async function mtimeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}
