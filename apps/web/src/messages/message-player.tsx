"use client";

import { Pause, Play } from "lucide-react";
import { useState, type KeyboardEvent, type PointerEvent, type RefObject, type SyntheticEvent } from "react";
import { formatMessageDuration, type MessageView } from "@ringback/core/messages";
import { Waveform } from "@ringback/ui/waveform";
import { seekAndPlay, type Playback } from "./playback-clock";
import { reloadExpiredMedia } from "./reload-expired-media";

/** What the player needs of a message (a saved copy in the Library plays the same way). */
export type PlayableMessage = Pick<MessageView, "kind" | "mediaUrl" | "posterUrl" | "durationMs" | "waveform">;

/**
 * The message itself, large: a video with its poster and the browser's own controls, or a voicemail
 * as a play button and a waveform to scrub. Either way the element streams from the media route,
 * which answers range requests, so seeking does not download the whole file.
 */
export function MessagePlayer({ message, mediaRef, playback }: { message: PlayableMessage; mediaRef: RefObject<HTMLVideoElement | HTMLAudioElement | null>; playback: Playback }) {
  if (message.kind === "video") {
    return <VideoPlayer message={message} mediaRef={mediaRef as RefObject<HTMLVideoElement | null>} playback={playback} />;
  }
  return <VoicemailPlayer message={message} mediaRef={mediaRef as RefObject<HTMLAudioElement>} playback={playback} />;
}

/**
 * The video at its own shape (learned from the file; 16:9 until then), as wide as the column and at
 * most 70% of the screen's height, with a large play button over the poster while it is paused.
 */
function VideoPlayer({ message, mediaRef, playback }: { message: PlayableMessage; mediaRef: RefObject<HTMLVideoElement | null>; playback: Playback }) {
  const [ratio, setRatio] = useState(16 / 9);
  const learnShape = (event: SyntheticEvent<HTMLVideoElement>) => {
    const { videoWidth, videoHeight } = event.currentTarget;
    if (videoWidth > 0 && videoHeight > 0) setRatio(videoWidth / videoHeight);
  };
  const play = () => void mediaRef.current?.play().catch(() => {});
  return (
    <div
      className="relative mx-auto overflow-hidden rounded-2xl bg-black shadow-sm ring-1 ring-black/5"
      style={{ aspectRatio: String(ratio), width: `min(100%, calc(70vh * ${ratio.toFixed(4)}))` }}
    >
      <video
        ref={mediaRef}
        aria-label="Video message"
        src={message.mediaUrl}
        poster={message.posterUrl ?? undefined}
        controls
        playsInline
        preload="metadata"
        onLoadedMetadata={learnShape}
        onError={reloadExpiredMedia}
        className="block size-full bg-black object-contain"
      />
      {!playback.playing ? (
        <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
          <button
            type="button"
            onClick={play}
            aria-label="Play video message"
            className="pointer-events-auto inline-flex size-16 items-center justify-center rounded-full bg-primary text-primary-foreground shadow-lg ring-4 ring-black/20 transition-transform outline-none hover:scale-105 focus-visible:ring-[3px] focus-visible:ring-white sm:size-20"
          >
            <Play className="ml-1 size-7 fill-current sm:size-8" aria-hidden="true" />
          </button>
        </div>
      ) : null}
    </div>
  );
}

function VoicemailPlayer({ message, mediaRef, playback }: { message: PlayableMessage; mediaRef: RefObject<HTMLAudioElement>; playback: Playback }) {
  const totalMs = playback.durationMs ?? message.durationMs ?? 0;
  const positionMs = playback.positionMs ?? 0;
  const progress = totalMs > 0 ? Math.min(1, positionMs / totalMs) : 0;

  const toggle = () => {
    const media = mediaRef.current;
    if (!media) return;
    if (media.paused) void media.play().catch(() => {});
    else media.pause();
  };
  const seekToFraction = (fraction: number) => seekAndPlay(mediaRef.current, Math.max(0, Math.min(1, fraction)) * totalMs);
  const onPointer = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    seekToFraction((event.clientX - box.left) / box.width);
  };
  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const media = mediaRef.current;
    if (!media) return;
    const step = event.key === "ArrowRight" || event.key === "ArrowUp" ? 5 : event.key === "ArrowLeft" || event.key === "ArrowDown" ? -5 : 0;
    if (step !== 0) {
      event.preventDefault();
      media.currentTime = Math.max(0, media.currentTime + step);
    } else if (event.key === "Home") {
      event.preventDefault();
      media.currentTime = 0;
    }
  };

  return (
    <div className="flex items-center gap-4 rounded-2xl border border-border bg-card px-4 py-5 shadow-xs sm:px-5">
      <audio ref={mediaRef} aria-label="Voicemail" src={message.mediaUrl} preload="metadata" onError={reloadExpiredMedia} />
      <button
        type="button"
        onClick={toggle}
        aria-label={playback.playing ? "Pause" : "Play"}
        className="inline-flex size-14 shrink-0 items-center justify-center rounded-full bg-primary text-primary-foreground shadow-sm transition-colors outline-none hover:bg-primary/90 focus-visible:ring-[3px] focus-visible:ring-ring/50"
      >
        {playback.playing ? <Pause className="size-6 fill-current" aria-hidden="true" /> : <Play className="ml-0.5 size-6 fill-current" aria-hidden="true" />}
      </button>
      <div className="min-w-0 flex-1">
        <div
          role="slider"
          tabIndex={0}
          aria-label="Position"
          aria-valuemin={0}
          aria-valuemax={Math.round(totalMs / 1000)}
          aria-valuenow={Math.round(positionMs / 1000)}
          aria-valuetext={`${formatMessageDuration(positionMs)} of ${formatMessageDuration(totalMs)}`}
          onPointerDown={onPointer}
          onKeyDown={onKey}
          className="cursor-pointer rounded-md py-1 text-muted-foreground outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
        >
          <Waveform peaks={message.waveform} bars={56} progress={progress} className="h-12" />
        </div>
        <div className="mt-1 flex justify-between text-xs text-muted-foreground tabular-nums">
          <span>{formatMessageDuration(positionMs)}</span>
          <span>{formatMessageDuration(totalMs)}</span>
        </div>
      </div>
    </div>
  );
}
