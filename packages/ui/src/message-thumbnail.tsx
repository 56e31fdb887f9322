import { Mic, Play } from "lucide-react";
import { cn } from "./cn";
import { Waveform } from "./waveform";

export type MessageThumbnailProps = {
  kind: "video" | "voicemail";
  posterUrl: string | null;
  waveform: ReadonlyArray<number> | null;
  /** already formatted, e.g. "0:05" */
  duration: string;
  /** not watched / listened to yet: a dot, like an unread mark */
  unseen?: boolean;
  /** "row": small, beside a history entry; "tile": fills a grid cell */
  size?: "row" | "tile";
  className?: string;
};

/**
 * What a message looks like in a list: the poster frame of a video, or a waveform for a voicemail,
 * with its length. Purely visual (aria-hidden): the link around it carries the accessible name.
 */
export function MessageThumbnail({ kind, posterUrl, waveform, duration, unseen = false, size = "row", className }: MessageThumbnailProps) {
  const row = size === "row";
  return (
    <span aria-hidden="true" className={cn("relative inline-flex shrink-0", !row && "w-full", className)}>
      {kind === "video" ? (
        <span
          className={cn(
            "relative block overflow-hidden bg-neutral-800 shadow-xs ring-1 ring-black/5",
            row ? "h-12 w-16 rounded-lg" : "aspect-[4/3] w-full rounded-xl",
          )}
        >
          {posterUrl ? (
            <img src={posterUrl} alt="" loading="lazy" decoding="async" className="absolute inset-0 size-full object-cover" />
          ) : null}
          <span className="absolute inset-0 bg-gradient-to-t from-black/55 via-black/0 to-black/0" />
          <span
            className={cn(
              "absolute top-1/2 left-1/2 inline-flex -translate-x-1/2 -translate-y-1/2 items-center justify-center rounded-full bg-white/25 text-white backdrop-blur-sm",
              row ? "size-6" : "size-11",
            )}
          >
            <Play className={cn("fill-current", row ? "size-3" : "size-5")} />
          </span>
          <span
            className={cn(
              "absolute font-medium text-white tabular-nums",
              row ? "right-1 bottom-0.5 text-[10px]" : "right-2 bottom-1.5 text-xs",
            )}
          >
            {duration}
          </span>
        </span>
      ) : row ? (
        <span className="flex h-12 w-32 items-center gap-1.5 rounded-xl bg-muted px-2 text-foreground ring-1 ring-border">
          <span className="inline-flex size-7 shrink-0 items-center justify-center rounded-full bg-primary text-primary-foreground">
            <Play className="ml-px size-3.5 fill-current" />
          </span>
          <Waveform peaks={waveform} bars={14} className="h-5 min-w-0 flex-1 text-muted-foreground" />
          <span className="shrink-0 text-[11px] font-medium text-muted-foreground tabular-nums">{duration}</span>
        </span>
      ) : (
        // a tile: the mic and the length on top, the waveform along the bottom; everything keeps inside
        // the 4:3 box however narrow the grid cell gets
        <span className="flex aspect-[4/3] w-full flex-col justify-between gap-2 overflow-hidden rounded-xl bg-muted p-3 text-foreground ring-1 ring-border">
          <span className="flex items-center justify-between gap-2">
            <span className="inline-flex size-9 shrink-0 items-center justify-center rounded-full bg-primary text-primary-foreground">
              <Mic className="size-4" />
            </span>
            <span className="text-xs font-medium text-muted-foreground tabular-nums">{duration}</span>
          </span>
          <Waveform peaks={waveform} bars={24} className="h-7 min-h-0 w-full text-muted-foreground" />
        </span>
      )}
      {unseen ? (
        <span className={cn("absolute rounded-full bg-primary ring-2 ring-card", row ? "-top-1 -right-1 size-3" : kind === "video" ? "top-2 right-2 size-3" : "-top-1 -right-1 size-3.5")} />
      ) : null}
    </span>
  );
}
