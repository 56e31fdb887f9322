"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, type RefObject } from "react";
import { QueryState } from "@ringback/ui/query-state";
import { TranscriptView } from "@ringback/ui/transcript-view";
import { errorMessage } from "~/lib/trpc-errors";
import { seekAndPlay } from "~/messages/playback-clock";
import { useTRPC } from "~/trpc/react";

/** A saved message's transcript, kept with the item (the message itself may be gone). */
export function SavedTranscript({
  itemId,
  transcript: text,
  positionMs,
  mediaRef,
}: {
  itemId: string;
  /** the item's copied transcript text: null when the message had none when it was saved */
  transcript: string | null;
  positionMs: number | null;
  mediaRef: RefObject<HTMLMediaElement | null>;
}) {
  const trpc = useTRPC();
  const headingId = useId();
  const transcript = useQuery(trpc.library.transcript.queryOptions({ itemId }));
  return (
    <section aria-labelledby={headingId} className="flex max-h-80 min-h-0 flex-col rounded-2xl border border-border bg-card shadow-xs">
      <h2 id={headingId} className="px-5 pt-4 pb-2 text-sm font-semibold text-muted-foreground">
        Transcript
      </h2>
      <QueryState query={transcript} loadingLabel="Loading the transcript…" errorText={(e) => errorMessage(e, "The transcript couldn’t be loaded.")} retry className="pt-2">
        {(data) =>
          data.segments.length === 0 ? (
            // the message page's words: a transcript that heard nothing, or none at all
            <p className="px-5 pt-2 pb-5 text-sm text-muted-foreground">{text !== null ? "No words were heard in this message." : "There’s no transcript for this message."}</p>
          ) : (
            <TranscriptView segments={data.segments} currentMs={positionMs} onSeek={(ms) => seekAndPlay(mediaRef.current, ms)} className="min-h-0 flex-1 px-4 pb-5" />
          )
        }
      </QueryState>
    </section>
  );
}
