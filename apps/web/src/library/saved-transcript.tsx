"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, type RefObject } from "react";
import { QueryState } from "@ringback/ui/query-state";
import { TranscriptView } from "@ringback/ui/transcript-view";
import { errorMessage } from "~/lib/trpc-errors";
import { seekAndPlay } from "~/messages/playback-clock";
import { useTRPC } from "~/trpc/react";

/** A saved message's transcript, kept with the item (the message itself may be gone). */
export function SavedTranscript({ itemId, positionMs, mediaRef }: { itemId: string; positionMs: number | null; mediaRef: RefObject<HTMLMediaElement | null> }) {
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
            <p className="px-5 pt-2 pb-5 text-sm text-muted-foreground">There’s no transcript for this message.</p>
          ) : (
            <TranscriptView segments={data.segments} currentMs={positionMs} onSeek={(ms) => seekAndPlay(mediaRef.current, ms)} className="min-h-0 flex-1 px-4 pb-5" />
          )
        }
      </QueryState>
    </section>
  );
}
