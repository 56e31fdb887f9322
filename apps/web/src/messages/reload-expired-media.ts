import type { SyntheticEvent } from "react";

/** At most one reload per element in this long: a file that really fails shows its error, not a loop. */
const RETRY_AFTER_MS = 10_000;

/**
 * With media on S3 the media routes redirect to a signed URL that lives for minutes
 * (MEDIA_URL_TTL_SECONDS), and the browser keeps asking that URL for the ranges it needs: a player
 * paused past its life fails its next seek. Loading the element again asks the route for a fresh
 * URL; the position (and playing, if it was) is kept. With local files this never fires for that.
 */
export function reloadExpiredMedia(event: SyntheticEvent<HTMLMediaElement>): void {
  const media = event.currentTarget;
  if (!media.error || media.error.code === MediaError.MEDIA_ERR_ABORTED) return;
  const last = Number(media.dataset.reloadedAt ?? "0");
  if (Date.now() - last < RETRY_AFTER_MS) return;
  media.dataset.reloadedAt = String(Date.now());
  const at = media.currentTime;
  const wasPlaying = !media.paused;
  media.addEventListener(
    "loadedmetadata",
    () => {
      media.currentTime = at;
      if (wasPlaying) void media.play().catch(() => {});
    },
    { once: true },
  );
  media.load();
}
