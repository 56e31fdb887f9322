import { libraryItemViewSchema, type LibraryItemView } from "@ringback/core/library";
import type { Taken } from "./live-photo-camera";

/** Sends a Live Photo's still and clip to the upload address `livePhotos.capture` gave; the item, ready. */
export async function uploadLivePhoto(uploadUrl: string, taken: Taken): Promise<LibraryItemView> {
  const form = new FormData();
  form.append("pressOffsetMs", String(taken.pressOffsetMs));
  form.append("still", taken.still, "still.jpg");
  form.append("clip", taken.clip, taken.type.startsWith("video/mp4") ? "clip.mp4" : "clip.webm");
  let response: Response;
  try {
    response = await fetch(uploadUrl, { method: "POST", body: form, credentials: "same-origin" });
  } catch {
    throw new Error("Can't reach Ringback right now. The Live Photo wasn't saved.");
  }
  const body = (await response.json().catch(() => null)) as { item?: unknown; error?: unknown } | null;
  if (!response.ok) {
    throw new Error(typeof body?.error === "string" ? body.error : "The Live Photo wasn't saved. Please try again.");
  }
  const item = libraryItemViewSchema.safeParse(body?.item);
  if (!item.success) throw new Error("The Live Photo wasn't saved. Please try again.");
  return item.data;
}
