"use client";

import { Play } from "lucide-react";
import { useState, type RefObject, type SyntheticEvent } from "react";
import { cn } from "@ringback/ui/cn";
import { mediaFrame } from "@ringback/ui/live-photo";
import { reloadExpiredMedia } from "~/messages/reload-expired-media";

/**
 * A call recording, large: at its own shape (from the item, then from the file), with the browser's
 * controls; the media route answers ranges, so seeking anywhere in an hour-long call is immediate.
 */
export function RecordingPlayer({
  src,
  posterUrl,
  width,
  height,
  mediaRef,
  playing,
}: {
  src: string;
  posterUrl: string | null;
  width: number | null;
  height: number | null;
  mediaRef: RefObject<HTMLVideoElement | null>;
  playing: boolean;
}) {
  const [ratio, setRatio] = useState(width && height ? width / height : 16 / 9);
  const learnShape = (event: SyntheticEvent<HTMLVideoElement>) => {
    const { videoWidth, videoHeight } = event.currentTarget;
    if (videoWidth > 0 && videoHeight > 0) setRatio(videoWidth / videoHeight);
  };
  // on a phone the recording runs edge to edge, like the Live Photo
  const frame = mediaFrame(ratio, true);
  return (
    <div className={cn("relative overflow-hidden bg-black shadow-sm ring-1 ring-black/5", frame.className)} style={frame.style}>
      <video
        ref={mediaRef}
        aria-label="Recording"
        src={src}
        poster={posterUrl ?? undefined}
        controls
        playsInline
        preload="metadata"
        onLoadedMetadata={learnShape}
        onError={reloadExpiredMedia}
        className="block size-full bg-black object-contain"
      />
      {!playing ? (
        <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
          <button
            type="button"
            onClick={() => void mediaRef.current?.play().catch(() => {})}
            aria-label="Play recording"
            className="pointer-events-auto inline-flex size-16 items-center justify-center rounded-full bg-primary text-primary-foreground shadow-lg ring-4 ring-black/20 transition-transform outline-none hover:scale-105 focus-visible:ring-[3px] focus-visible:ring-white sm:size-20"
          >
            <Play className="ml-1 size-7 fill-current sm:size-8" aria-hidden="true" />
          </button>
        </div>
      ) : null}
    </div>
  );
}
