"use client";

import { useEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from "react";
import { cn } from "./cn";

export type LivePhotoProps = {
  stillUrl: string;
  /** the short clip around the moment; without one it is just a photo */
  clipUrl: string | null;
  /** what the photo shows, e.g. "Live Photo of Ana" */
  alt: string;
  /** the still's own size, so the box has its shape before anything loads */
  width?: number | null;
  height?: number | null;
  /** on a phone, run edge to edge of the screen (the page's own padding is bled out), square-cornered */
  bleed?: boolean;
  className?: string;
};

/**
 * The size of a large photo or video at its own shape: as wide as the column, but never taller than
 * 70% of the screen; with `bleed`, on a phone as wide as the screen. Centered either way.
 */
export function mediaFrame(ratio: number, bleed: boolean): { className: string; style: CSSProperties } {
  return {
    className: cn(
      "mx-[calc((100%_-_var(--media-w))_/_2)] w-(--media-w) rounded-2xl",
      bleed && "max-sm:mx-[calc((100%_-_var(--media-bleed-w))_/_2)] max-sm:w-(--media-bleed-w) max-sm:rounded-none max-sm:ring-0",
    ),
    style: {
      aspectRatio: String(ratio),
      "--media-w": `min(100%, calc(70vh * ${ratio.toFixed(4)}))`,
      "--media-bleed-w": `min(100vw, calc(70vh * ${ratio.toFixed(4)}))`,
    } as CSSProperties,
  };
}

/**
 * A Live Photo as a phone shows one: the still, and on press or hover the clip around it plays with
 * its sound, then the still comes back. A held press plays while held, a tap plays it through. The
 * LIVE badge is a button, so it plays from the keyboard the same way (Space or Enter).
 */
export function LivePhoto({ stillUrl, clipUrl, alt, width, height, bleed = false, className }: LivePhotoProps) {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const [playing, setPlaying] = useState(false);
  const ratio = width && height ? width / height : 4 / 3;
  const frame = mediaFrame(ratio, bleed);

  const play = () => {
    const video = videoRef.current;
    if (!video || !clipUrl) return;
    video.currentTime = 0;
    video.muted = false;
    setPlaying(true);
    video.play().catch(() => {
      // a hover is not a gesture: browsers may refuse sound until the person has pressed something
      video.muted = true;
      video.play().catch(() => setPlaying(false));
    });
  };
  const stop = () => {
    const video = videoRef.current;
    setPlaying(false);
    if (video && !video.paused) video.pause();
  };

  /** A held press stops when let go; a quick tap plays the clip through. */
  const stopIfHeld = () => {
    const video = videoRef.current;
    if (video && video.currentTime > 0.6) stop();
  };

  useEffect(() => () => videoRef.current?.pause(), []);

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if ((event.key === " " || event.key === "Enter") && !event.repeat) {
      event.preventDefault();
      play();
    }
  };
  const onKeyUp = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === " " || event.key === "Enter") {
      event.preventDefault();
      stopIfHeld();
    }
  };

  return (
    <figure
      className={cn("group relative overflow-hidden bg-black shadow-sm ring-1 ring-black/5 select-none [-webkit-touch-callout:none]", frame.className, className)}
      style={frame.style}
      onPointerEnter={(e) => e.pointerType === "mouse" && play()}
      onPointerLeave={(e) => e.pointerType === "mouse" && stop()}
      onPointerDown={(e) => e.pointerType !== "mouse" && play()}
      onPointerUp={(e) => e.pointerType !== "mouse" && stopIfHeld()}
      onPointerCancel={stop}
    >
      <img src={stillUrl} alt={alt} draggable={false} className={cn("absolute inset-0 size-full object-contain transition-opacity duration-300", playing && "opacity-0")} />
      {clipUrl ? (
        <video
          ref={videoRef}
          aria-label="Live Photo clip"
          src={clipUrl}
          playsInline
          preload="auto"
          onEnded={() => setPlaying(false)}
          className={cn("pointer-events-none absolute inset-0 size-full object-contain transition-opacity duration-300", playing ? "opacity-100" : "opacity-0")}
        />
      ) : null}
      {clipUrl ? (
        <button
          type="button"
          aria-label="Play Live Photo"
          aria-pressed={playing}
          onClick={(e) => {
            // a pointer press already played it; a keyboard click (detail 0) is handled by the keys
            if (e.detail !== 0 && !playing) play();
          }}
          onKeyDown={onKeyDown}
          onKeyUp={onKeyUp}
          onBlur={stop}
          className="absolute top-3 left-3 inline-flex items-center gap-1.5 rounded-full bg-black/45 px-2.5 py-1 text-[11px] font-semibold tracking-[0.12em] text-white backdrop-blur-md outline-none focus-visible:ring-[3px] focus-visible:ring-white/80"
        >
          <LiveRings className={cn("size-3.5", playing && "animate-pulse")} />
          LIVE
        </button>
      ) : null}
    </figure>
  );
}

/** The concentric-rings mark of a Live Photo. */
export function LiveRings({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" className={className}>
      <circle cx="12" cy="12" r="3" fill="currentColor" stroke="none" />
      <circle cx="12" cy="12" r="6.5" />
      <circle cx="12" cy="12" r="10" strokeDasharray="1.6 2.2" />
    </svg>
  );
}

/** The small "LIVE" mark on a Live Photo's thumbnail (purely visual). */
export function LiveBadge({ className }: { className?: string }) {
  return (
    <span aria-hidden="true" className={cn("inline-flex items-center gap-1 rounded-full bg-black/45 px-1.5 py-0.5 text-[10px] font-semibold tracking-[0.1em] text-white backdrop-blur-sm", className)}>
      <LiveRings className="size-3" />
      LIVE
    </span>
  );
}
