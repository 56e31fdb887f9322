"use client";

import { useEffect, useState, type RefObject } from "react";

export type Playback = {
  /** position in ms; null until the person first plays or seeks (nothing is highlighted before) */
  positionMs: number | null;
  playing: boolean;
  /** length in ms as the element knows it, else null */
  durationMs: number | null;
};

/**
 * Follows a media element's position smoothly: `timeupdate` alone fires only about four times a
 * second, too coarse for a word-by-word highlight, so while playing a requestAnimationFrame loop
 * reads `currentTime` each frame (and stops when paused, so an idle page costs nothing).
 */
export function usePlayback(ref: RefObject<HTMLMediaElement | null>): Playback {
  const [state, setState] = useState<Playback>({ positionMs: null, playing: false, durationMs: null });

  useEffect(() => {
    const media = ref.current;
    if (!media) return;
    let frame = 0;
    let touched = false;
    const duration = () => (Number.isFinite(media.duration) && media.duration > 0 ? media.duration * 1000 : null);
    const read = () => {
      setState((prev) => {
        const positionMs = touched ? media.currentTime * 1000 : null;
        const playing = !media.paused && !media.ended;
        const durationMs = duration();
        if (prev.positionMs === positionMs && prev.playing === playing && prev.durationMs === durationMs) return prev;
        return { positionMs, playing, durationMs };
      });
    };
    const loop = () => {
      read();
      frame = media.paused || media.ended ? 0 : requestAnimationFrame(loop);
    };
    const onPlay = () => {
      touched = true;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(loop);
    };
    const onSeek = () => {
      touched = true;
      read();
    };
    const events: Array<[string, () => void]> = [
      ["play", onPlay],
      ["playing", onPlay],
      ["pause", read],
      ["ended", read],
      ["seeked", onSeek],
      ["seeking", onSeek],
      ["timeupdate", read],
      ["durationchange", read],
      ["loadedmetadata", read],
    ];
    for (const [name, fn] of events) media.addEventListener(name, fn);
    read();
    return () => {
      cancelAnimationFrame(frame);
      for (const [name, fn] of events) media.removeEventListener(name, fn);
    };
  }, [ref]);

  return state;
}

/** Moves the element to `ms` and plays from there (clicking a word or the waveform). */
export function seekAndPlay(media: HTMLMediaElement | null, ms: number): void {
  if (!media) return;
  media.currentTime = Math.max(0, ms / 1000);
  if (media.paused) void media.play().catch(() => {});
}
