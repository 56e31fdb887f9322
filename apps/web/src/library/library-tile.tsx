import { CircleDot, Loader2, Mic, Play, TriangleAlert, Video } from "lucide-react";
import Link from "next/link";
import { libraryItemTitle, type LibraryItemView } from "@ringback/core/library";
import { cn } from "@ringback/ui/cn";
import { LiveBadge } from "@ringback/ui/live-photo";
import { Waveform } from "@ringback/ui/waveform";
import { formatLength, statusText, timeOfDay } from "./labels";

/** One item in the Library's grid: its picture (or waveform), a LIVE or length mark, and its title. */
export function LibraryTile({ item }: { item: LibraryItemView }) {
  const title = libraryItemTitle(item);
  const captured = new Date(item.capturedAt);
  const status = statusText(item);
  const time = timeOfDay(captured);
  return (
    <li className="min-w-0">
      <Link
        href={`/library/${item.id}`}
        className="group flex flex-col gap-1.5 rounded-xl outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
      >
        <span aria-hidden="true" className="relative block aspect-square w-full overflow-hidden rounded-xl bg-neutral-800 shadow-xs ring-1 ring-black/5">
          {status ? (
            // on its way or failed: only the picture, if there is one yet, under a calm word
            item.stillUrl ? <img src={item.stillUrl} alt="" loading="lazy" decoding="async" className="absolute inset-0 size-full object-cover" /> : null
          ) : (
            <Picture item={item} />
          )}
          {status ? (
            <span
              className={cn(
                "absolute inset-0 flex flex-col items-center justify-center gap-1.5 p-2 text-center text-xs font-medium text-white",
                item.stillUrl ? "bg-neutral-900/55 backdrop-blur-[2px]" : "bg-gradient-to-br from-neutral-700 to-neutral-900",
              )}
            >
              {item.status === "failed" ? <TriangleAlert className="size-5 text-amber-300" /> : <Loader2 className="size-5 animate-spin opacity-80" />}
              {status}
            </span>
          ) : null}
        </span>
        <span className="flex min-w-0 flex-col px-0.5">
          {/* The name comes from this text (an aria-label would differ from what is seen on the tile). */}
          <span className="line-clamp-2 text-[13px] leading-tight font-medium break-words">{title}</span>
          <span className="sr-only">, </span>
          <time dateTime={captured.toISOString()} className="text-xs text-muted-foreground">
            {time}
          </time>
          {status ? <span className="sr-only">, {status}</span> : null}
        </span>
      </Link>
    </li>
  );
}

function Picture({ item }: { item: LibraryItemView }) {
  const length = formatLength(item.durationMs);
  const still = item.stillUrl ? (
    <img src={item.stillUrl} alt="" loading="lazy" decoding="async" className="absolute inset-0 size-full object-cover transition-transform duration-300 group-hover:scale-[1.03]" />
  ) : null;
  if (item.kind === "live-photo") {
    return (
      <>
        {still}
        <LiveBadge className="absolute top-2 left-2" />
      </>
    );
  }
  if (item.kind === "saved-message" && item.messageKind === "voicemail") {
    return (
      <span className="absolute inset-0 flex flex-col justify-between bg-muted p-3 text-foreground">
        <span className="flex items-center justify-between">
          <span className="inline-flex size-9 items-center justify-center rounded-full bg-primary text-primary-foreground">
            <Mic className="size-4" />
          </span>
          <span className="text-xs font-medium text-muted-foreground tabular-nums">{length}</span>
        </span>
        <Waveform peaks={item.waveform} bars={20} className="h-8 w-full text-muted-foreground" />
      </span>
    );
  }
  // a recording or a video message: the poster, a play mark and the length
  return (
    <>
      {still ?? (
        <span className="absolute inset-0 flex items-center justify-center bg-gradient-to-br from-neutral-700 to-neutral-900 text-white/60">
          <Video className="size-8" />
        </span>
      )}
      <span className="absolute inset-0 bg-gradient-to-t from-black/55 via-black/0 to-black/0" />
      {item.kind === "recording" ? (
        <span className="absolute top-2 left-2 inline-flex size-6 items-center justify-center rounded-full bg-black/45 text-white backdrop-blur-sm">
          <CircleDot className="size-3.5" />
        </span>
      ) : (
        <span className="absolute top-1/2 left-1/2 inline-flex size-10 -translate-x-1/2 -translate-y-1/2 items-center justify-center rounded-full bg-white/25 text-white backdrop-blur-sm">
          <Play className="ml-0.5 size-4 fill-current" />
        </span>
      )}
      {length ? <span className="absolute right-2 bottom-1.5 text-xs font-medium text-white tabular-nums">{length}</span> : null}
    </>
  );
}
