"use client";

import { useQuery } from "@tanstack/react-query";
import { Loader2 } from "lucide-react";
import { useId } from "react";
import { QueryState } from "@ringback/ui/query-state";
import { TranscriptView } from "@ringback/ui/transcript-view";
import { cn } from "@ringback/ui/cn";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

/** The region "Transcript" of a message page: the words in time, or why there are none (yet). */
export function MessageTranscript({ messageId, positionMs, onSeek, className }: { messageId: string; positionMs: number | null; onSeek: (ms: number) => void; className?: string }) {
  const trpc = useTRPC();
  const headingId = useId();
  const transcript = useQuery({
    ...trpc.messages.transcript.queryOptions({ messageId }),
    // the final transcript is made after the message is ready; look again until it is there
    refetchInterval: (query) => (query.state.data?.status === "pending" ? 3_000 : false),
  });

  return (
    <section aria-labelledby={headingId} className={cn("flex min-h-0 flex-col rounded-2xl border border-border bg-card shadow-xs", className)}>
      <h2 id={headingId} className="px-5 pt-4 pb-2 text-sm font-semibold text-muted-foreground">
        Transcript
      </h2>
      <QueryState query={transcript} loadingLabel="Loading the transcript…" errorText={(e) => errorMessage(e, "The transcript couldn’t be loaded.")} retry className="pt-2">
        {(data) => {
          switch (data.status) {
            case "pending":
              return (
                <p role="status" className="flex items-center gap-2 px-5 pt-2 pb-5 text-sm text-muted-foreground">
                  <Loader2 className="size-4 animate-spin" aria-hidden="true" />
                  Transcribing…
                </p>
              );
            case "failed":
              return <p className="px-5 pt-2 pb-5 text-sm text-muted-foreground">This message couldn’t be transcribed.</p>;
            case "none":
              return <p className="px-5 pt-2 pb-5 text-sm text-muted-foreground">There’s no transcript for this message.</p>;
            case "ready":
              return data.segments.length === 0 ? (
                <p className="px-5 pt-2 pb-5 text-sm text-muted-foreground">No words were heard in this message.</p>
              ) : (
                <TranscriptView segments={data.segments} currentMs={positionMs} onSeek={onSeek} className="min-h-0 flex-1 px-4 pb-5" />
              );
            default: {
              const _exhaustive: never = data.status;
              return _exhaustive;
            }
          }
        }}
      </QueryState>
    </section>
  );
}
