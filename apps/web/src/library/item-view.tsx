"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ChevronLeft, Download, ImageOff, Loader2, Trash2, TriangleAlert } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { toast } from "~/components/toasts";
import { libraryItemTitle, recordingStoppedText, type LibraryItemView } from "@ringback/core/library";
import { Avatar } from "@ringback/ui/avatar";
import { Button } from "@ringback/ui/button";
import { ConfirmDialog } from "@ringback/ui/confirm-dialog";
import { LivePhoto } from "@ringback/ui/live-photo";
import { QueryState } from "@ringback/ui/query-state";
import { useRealtimeEvent } from "~/calls/realtime-listeners";
import { GoneState } from "~/components/gone-state";
import { refreshQueries } from "~/lib/refresh-queries";
import { errorCode, errorMessage } from "~/lib/trpc-errors";
import { MessagePlayer } from "~/messages/message-player";
import { usePlayback } from "~/messages/playback-clock";
import { useTRPC } from "~/trpc/react";
import { CallLine } from "./call-line";
import { formatLength, statusText } from "./labels";
import { RecordingPlayer } from "./recording-player";
import { SavedTranscript } from "./saved-transcript";

// Items this tab deleted itself: their "deleted" event must not flash "deleted elsewhere" on the way out.
const deletedHere = new Set<string>();

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === "NOT_FOUND" || code === "BAD_REQUEST";
}

/** The /library/[itemId] page: the photo, recording or message, who and when, Download and Delete. */
export function LibraryItemPage({ itemId }: { itemId: string }) {
  const trpc = useTRPC();
  const item = useQuery({
    ...trpc.library.get.queryOptions({ itemId }),
    retry: (count, error) => !isMissing(error) && count < 2,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === "capturing" || status === "recording" || status === "processing" ? 3_000 : false;
    },
  });
  const [deletedElsewhere, setDeletedElsewhere] = useState(false);
  useRealtimeEvent("library-changed", ({ payload }) => {
    if (payload.itemId === itemId && payload.change === "deleted" && !deletedHere.has(itemId)) setDeletedElsewhere(true);
  });

  if (deletedElsewhere) return <ItemGone title="This item was deleted" />;
  if (item.isError && isMissing(item.error)) return <ItemGone title="This isn’t in your Library" detail="It may have been deleted." />;
  return (
    <>
      <BackLink />
      <QueryState query={item} loadingLabel="Loading…" errorText={(e) => errorMessage(e, "This item couldn’t be loaded.")} retry>
        {(data) => <LoadedItem key={data.status} item={data} />}
      </QueryState>
    </>
  );
}

function BackLink() {
  return (
    <Link href="/library" className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-primary hover:underline">
      <ChevronLeft className="size-4" aria-hidden="true" />
      Library
    </Link>
  );
}

function LoadedItem({ item }: { item: LibraryItemView }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const mediaRef = useRef<HTMLVideoElement | HTMLAudioElement | null>(null);
  const playback = usePlayback(mediaRef);
  const title = libraryItemTitle(item);
  const captured = new Date(item.capturedAt);
  const first = item.people[0];
  const ready = item.status === "ready";
  const status = statusText(item);

  const remove = useMutation(
    trpc.library.delete.mutationOptions({
      onMutate: () => {
        deletedHere.add(item.id);
      },
      onError: (error) => {
        deletedHere.delete(item.id);
        toast.error(errorMessage(error, "Couldn’t delete it."));
      },
      onSuccess: () => {
        setConfirmDelete(false);
        queryClient.removeQueries({ queryKey: trpc.library.get.queryKey({ itemId: item.id }) });
        void refreshQueries(queryClient, [trpc.library.list.pathKey(), trpc.library.usage.pathKey(), trpc.library.people.pathKey(), trpc.calls.history.pathKey()]);
        toast.success("Deleted from your Library");
        router.replace("/library");
      },
    }),
  );

  const downloadUrl = ready ? (item.kind === "live-photo" ? item.stillUrl : item.mediaUrl) : null;
  const timeZone = typeof Intl !== "undefined" ? Intl.DateTimeFormat().resolvedOptions().timeZone : "UTC";
  const length = item.kind === "live-photo" ? "" : formatLength(playback.durationMs !== null ? Math.floor(playback.durationMs / 1000) * 1000 : item.durationMs);
  const when = captured.toLocaleString(undefined, { weekday: "long", day: "numeric", month: "long", hour: "numeric", minute: "2-digit" });
  const kindWord = item.kind === "live-photo" ? "Live Photo" : item.kind === "recording" ? "Recording" : item.messageKind === "voicemail" ? "Voicemail" : "Video message";

  return (
    <>
      <header className="mb-5 flex items-center gap-3">
        {first ? <Avatar id={first.id} name={first.displayName} size="lg" /> : null}
        <div className="min-w-0 flex-1">
          <h1 className="text-2xl leading-tight font-bold tracking-tight text-balance">{title}</h1>
          <p className="mt-0.5 text-sm text-muted-foreground">
            {/* the title already says what it is: here only when, and how long */}
            <time dateTime={captured.toISOString()}>{[when, length].filter(Boolean).join(" · ")}</time>
          </p>
          <CallLine item={item} />
        </div>
      </header>

      {ready ? (
        <div className="grid gap-4">
          <ItemMedia item={item} title={title} mediaRef={mediaRef} playback={playback} />
          {item.kind === "recording" && item.stopReason && item.stopReason !== "stopped" ? (
            <p className="text-sm text-muted-foreground">{recordingStoppedText(item.stopReason, "You", null).replace("You's", "Your")}</p>
          ) : null}
          {item.kind === "saved-message" ? <SavedTranscript itemId={item.id} transcript={item.transcript} positionMs={playback.positionMs} mediaRef={mediaRef} /> : null}
        </div>
      ) : (
        <NotReady item={item} text={status} />
      )}

      {/* on a phone the actions stay in reach above the tab bar, under a large photo or video */}
      <div className="sticky bottom-[calc(3.75rem+env(safe-area-inset-bottom))] z-10 -mx-4 mt-5 flex items-center justify-between gap-2 border-t border-border bg-background/85 px-4 py-2 backdrop-blur-lg sm:static sm:mx-0 sm:border-0 sm:bg-transparent sm:p-0 sm:backdrop-blur-none">
        {downloadUrl ? (
          <Button asChild variant="secondary">
            <a href={`${downloadUrl}?download=1&tz=${encodeURIComponent(timeZone)}`} download>
              <Download aria-hidden="true" />
              Download
            </a>
          </Button>
        ) : (
          <span />
        )}
        {item.status !== "recording" ? (
          <Button variant="ghost" className="text-destructive hover:text-destructive" onClick={() => setConfirmDelete(true)}>
            <Trash2 aria-hidden="true" />
            Delete
          </Button>
        ) : null}
      </div>

      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={`Delete this ${kindWord === "Live Photo" ? "Live Photo" : kindWord.toLowerCase()}?`}
        description={
          item.kind === "saved-message" ? "It will be gone from your Library. The message itself stays where it is." : "It will be gone from your Library for good."
        }
        confirmLabel="Delete"
        destructive
        pending={remove.isPending}
        onConfirm={() => remove.mutate({ itemId: item.id })}
      />
    </>
  );
}

function ItemMedia({
  item,
  title,
  mediaRef,
  playback,
}: {
  item: LibraryItemView;
  title: string;
  mediaRef: React.RefObject<HTMLVideoElement | HTMLAudioElement | null>;
  playback: ReturnType<typeof usePlayback>;
}) {
  if (item.kind === "live-photo") {
    if (!item.stillUrl) return null;
    return <LivePhoto stillUrl={item.stillUrl} clipUrl={item.clipUrl} alt={title} width={item.width} height={item.height} bleed />;
  }
  if (!item.mediaUrl) return null;
  if (item.kind === "recording") {
    return <RecordingPlayer src={item.mediaUrl} posterUrl={item.stillUrl} width={item.width} height={item.height} mediaRef={mediaRef as React.RefObject<HTMLVideoElement | null>} playing={playback.playing} />;
  }
  return (
    <MessagePlayer
      message={{ kind: item.messageKind ?? "video", mediaUrl: item.mediaUrl, posterUrl: item.stillUrl, durationMs: item.durationMs, waveform: item.waveform }}
      mediaRef={mediaRef}
      playback={playback}
    />
  );
}

/** An item on its way (calm), or one that failed (it says so; it can still be deleted). */
function NotReady({ item, text }: { item: LibraryItemView; text: string | null }) {
  const failed = item.status === "failed";
  const detail = failed
    ? item.kind === "live-photo"
      ? "This Live Photo couldn’t be saved. You can delete it."
      : "This recording couldn’t be saved. You can delete it."
    : item.status === "recording"
      ? "This call is being recorded. It will be here when the recording stops."
      : item.status === "capturing"
        ? "This Live Photo is on its way."
        : "Getting it ready to play. This usually takes a moment.";
  return (
    <div role="status" className="flex items-center gap-3 rounded-2xl border border-border bg-card px-5 py-8 text-sm text-muted-foreground shadow-xs">
      {failed ? <TriangleAlert className="size-5 shrink-0 text-destructive" aria-hidden="true" /> : <Loader2 className="size-5 shrink-0 animate-spin" aria-hidden="true" />}
      <span>
        {text ? <span className="font-medium text-foreground">{text} </span> : null}
        {detail}
      </span>
    </div>
  );
}

function ItemGone({ title, detail }: { title: string; detail?: string }) {
  return <GoneState icon={ImageOff} title={title} detail={detail} back={{ href: "/library", label: "Library" }} />;
}
