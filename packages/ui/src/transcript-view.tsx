"use client";

import { useEffect, useRef } from "react";
import { cn } from "./cn";

export type TimedWord = { text: string; startMs: number; endMs: number };
export type TimedSegment = { text: string; startMs: number; endMs: number; words: ReadonlyArray<TimedWord> };

/** "0:07": a position in a recording. */
function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** The words to show for a segment: its timed words, or (none timed) the whole text as one. */
export function segmentWords(segment: TimedSegment): TimedWord[] {
  const words = segment.words.map((w) => ({ ...w, text: w.text.trim() })).filter((w) => w.text.length > 0);
  if (words.length > 0) return words;
  const text = segment.text.trim();
  return text ? [{ text, startMs: segment.startMs, endMs: segment.endMs }] : [];
}

/**
 * The index (in `starts`, ascending) of the word being spoken at `ms`: the last one that has
 * started. Before the first word nothing is current; a word stays current through the pause after it.
 */
export function currentWordIndex(starts: ReadonlyArray<number>, ms: number | null): number {
  if (ms === null || starts.length === 0) return -1;
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((starts[mid] ?? Infinity) <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export type TranscriptViewProps = {
  segments: ReadonlyArray<TimedSegment>;
  /** playback position; null before playing starts (nothing is highlighted) */
  currentMs: number | null;
  onSeek: (ms: number) => void;
  className?: string;
};

/**
 * A finished message's transcript: one paragraph per segment, every word a `<span data-start-ms>`.
 * The word being played is highlighted (`aria-current`) and kept in view; clicking a word seeks
 * there, and each paragraph's time is a button for keyboard users.
 */
export function TranscriptView({ segments, currentMs, onSeek, className }: TranscriptViewProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const lines = segments.map((s) => ({ segment: s, words: segmentWords(s) }));
  const starts = lines.flatMap((l) => l.words.map((w) => w.startMs));
  const current = currentWordIndex(starts, currentMs);

  useEffect(() => {
    const box = scroller.current;
    if (!box || current < 0) return;
    const word = box.querySelector<HTMLElement>('[aria-current="true"]');
    if (!word) return;
    // Scroll the transcript box only (scrollIntoView would move the whole page on a phone).
    const top = word.offsetTop - box.offsetTop;
    if (top < box.scrollTop + 8 || top + word.offsetHeight > box.scrollTop + box.clientHeight - 8) {
      box.scrollTo({ top: Math.max(0, top - box.clientHeight / 3), behavior: "smooth" });
    }
  }, [current]);

  let index = -1;
  return (
    <div ref={scroller} className={cn("relative overflow-y-auto", className)}>
      {lines.map(({ segment, words }, i) => (
        <p key={`${segment.startMs}-${i}`} className="mb-4 flex gap-3 last:mb-0">
          <button
            type="button"
            onClick={() => onSeek(segment.startMs)}
            aria-label={`Play from ${clock(segment.startMs)}`}
            className="mt-0.5 h-fit shrink-0 rounded-md px-1 text-xs font-medium text-muted-foreground tabular-nums outline-none hover:text-primary focus-visible:ring-[3px] focus-visible:ring-ring/50"
          >
            {clock(segment.startMs)}
          </button>
          <span className="text-[15px] leading-7">
            {words.map((word, j) => {
              index += 1;
              const isCurrent = index === current;
              const played = current >= 0 && index < current;
              return (
                <span key={j}>
                  {j > 0 ? " " : null}
                  <span
                    data-start-ms={Math.round(word.startMs)}
                    aria-current={isCurrent ? "true" : undefined}
                    onClick={() => onSeek(word.startMs)}
                    className={cn(
                      "cursor-pointer rounded-[5px] px-0.5 -mx-0.5 transition-colors duration-150 hover:bg-accent",
                      isCurrent && "bg-primary/20 text-foreground hover:bg-primary/25",
                      current >= 0 && !isCurrent && !played && "text-foreground/55",
                    )}
                  >
                    {word.text}
                  </span>
                </span>
              );
            })}
          </span>
        </p>
      ))}
    </div>
  );
}

export type LiveTranscriptSegment = { id: number; text: string; final: boolean };

/**
 * Words of a voicemail as it is being left: final segments solid, the one still being heard softer
 * (it may still change). Follows the newest words unless the reader scrolled up.
 */
export function LiveTranscript({ segments, placeholder, className }: { segments: ReadonlyArray<LiveTranscriptSegment>; placeholder?: string; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const text = segments.map((s) => `${s.id}:${s.text}`).join("|");

  useEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [text]);

  const finals = segments.filter((s) => s.final);
  const lastFinal = finals.at(-1)?.text.trim() ?? "";
  const visible = segments.filter((s) => s.text.trim().length > 0);
  return (
    <div
      ref={box}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
      className={cn("overflow-y-auto text-[15px] leading-6", className)}
    >
      {visible.length === 0 ? (
        <p className="text-muted-foreground">{placeholder}</p>
      ) : (
        <p>
          {visible.map((s, i) => (
            <span key={s.id} data-final={s.final || undefined} className={cn("transition-opacity duration-300", !s.final && "opacity-55")}>
              {i > 0 ? " " : null}
              {s.text.trim()}
            </span>
          ))}
        </p>
      )}
      {/* Screen readers hear each finished sentence once, not every revision of the one in progress. */}
      <p aria-live="polite" className="sr-only">
        {lastFinal}
      </p>
    </div>
  );
}
