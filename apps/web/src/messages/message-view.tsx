"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Check, ChevronLeft, Loader2, Phone, Trash2, TriangleAlert, Video } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { toast } from "~/components/toasts";
import { formatMessageDuration, type MessageView as Message } from "@ringback/core/messages";
import { Avatar } from "@ringback/ui/avatar";
import { Button } from "@ringback/ui/button";
import { ConfirmDialog } from "@ringback/ui/confirm-dialog";
import { QueryState } from "@ringback/ui/query-state";
import { useRealtimeEvent } from "~/calls/realtime-listeners";
import { formatCallTime } from "~/calls/types";
import { useStartCall } from "~/calls/use-start-call";
import { refreshQueries } from "~/lib/refresh-queries";
import { errorCode, errorMessage } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";
import { SaveToLibrary } from "~/library/save-to-library";
import { kindName } from "./labels";
import { MessageGone } from "./message-gone";
import { MessagePlayer } from "./message-player";
import { MessageTranscript } from "./message-transcript";
import { seekAndPlay, usePlayback } from "./playback-clock";

// Messages this tab deleted itself: their "deleted" event must not flash "deleted elsewhere" on the way out.
const deletedHere = new Set<string>();

/** No such message for this person (or not even a message id): the page shows the not-found look. */
function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === "NOT_FOUND" || code === "BAD_REQUEST";
}

/** The /messages/[messageId] page: who and when, the player, the transcript, and what to do next. */
export function MessageView({ messageId }: { messageId: string }) {
  const trpc = useTRPC();
  const message = useQuery({
    ...trpc.messages.get.queryOptions({ messageId }),
    retry: (count, error) => !isMissing(error) && count < 2,
    // the sender may open it while it is still being made: look again until it is ready or failed
    refetchInterval: (query) => (query.state.data && (query.state.data.status === "recording" || query.state.data.status === "processing") ? 3_000 : false),
  });
  const [deletedElsewhere, setDeletedElsewhere] = useState(false);

  useRealtimeEvent("message-changed", ({ payload }) => {
    if (payload.messageId === messageId && payload.change === "deleted" && !deletedHere.has(messageId)) setDeletedElsewhere(true);
  });

  if (deletedElsewhere) return <MessageGone title="This message was deleted" />;
  if (message.isError && isMissing(message.error)) return <MessageGone title="This message isn’t available" detail="It may have been deleted." />;
  return (
    <QueryState query={message} loadingLabel="Loading the message…" errorText={(e) => errorMessage(e, "The message couldn’t be loaded.")} retry>
      {/* keyed by status: the player (and the playback hook reading it) mount once it is ready */}
      {(data) => <LoadedMessage key={data.status} message={data} />}
    </QueryState>
  );
}

function LoadedMessage({ message }: { message: Message }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const mediaRef = useRef<HTMLVideoElement | HTMLAudioElement | null>(null);
  const playback = usePlayback(mediaRef);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const callBack = useStartCall();
  const received = message.direction === "received";
  const what = kindName(message.kind);
  const other = message.other;
  // a voicemail is listened to, a video watched
  const watched = message.kind === "voicemail" ? "listened" : "watched";

  const refreshAfterChange = () =>
    refreshQueries(queryClient, [trpc.calls.missedCount.pathKey(), trpc.calls.history.pathKey(), trpc.messages.list.pathKey()]);

  const markSeen = useMutation(
    trpc.messages.markSeen.mutationOptions({
      onSuccess: () => {
        queryClient.setQueryData(trpc.messages.get.queryKey({ messageId: message.id }), (prev: Message | undefined) => (prev ? { ...prev, seen: true } : prev));
        void refreshAfterChange();
      },
      onError: (error) => toast.error(errorMessage(error, `Couldn’t mark it as ${watched}.`)),
    }),
  );
  const unseen = received && !message.seen && !markSeen.isSuccess;
  const seeIt = () => {
    if (unseen && !markSeen.isPending) markSeen.mutate({ messageId: message.id });
  };

  // Playing it is watching it (only the start of playback counts, not every render while it plays).
  const seeItRef = useRef(seeIt);
  seeItRef.current = seeIt;
  useEffect(() => {
    if (playback.playing) seeItRef.current();
  }, [playback.playing]);

  // a copy saved to a Library outlives the message: the delete dialog says so, and never says whether the other person kept one
  const savedOf = useQuery({ ...trpc.library.savedOf.queryOptions({ messageId: message.id }), enabled: message.status === "ready" });
  const deleteDescription = [
    `It will be gone from your history and ${other.displayName}’s.`,
    savedOf.data?.itemId ? "The copy in your Library stays." : null,
    received ? null : `If ${other.displayName} saved it to their Library, that copy stays.`,
  ]
    .filter(Boolean)
    .join(" ");

  const remove = useMutation(
    trpc.messages.delete.mutationOptions({
      onMutate: () => {
        deletedHere.add(message.id);
      },
      onError: (error) => {
        deletedHere.delete(message.id);
        toast.error(errorMessage(error, "Couldn’t delete the message."));
      },
      onSuccess: () => {
        setConfirmDelete(false);
        queryClient.removeQueries({ queryKey: trpc.messages.get.queryKey({ messageId: message.id }) });
        void refreshAfterChange();
        toast.success(`${what} deleted`);
        router.replace("/calls");
      },
    }),
  );

  const created = new Date(message.createdAt);
  // the player's own length once it knows it, so the header and the player never disagree
  // (whole seconds, as the player's own clock shows them)
  const length = formatMessageDuration(playback.durationMs !== null ? Math.floor(playback.durationMs / 1000) * 1000 : message.durationMs);
  const subtitle = [received ? what : `${what} you left`, formatCallTime(created), length].filter(Boolean).join(" · ");

  return (
    <>
      <Link href="/calls" className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-primary hover:underline">
        <ChevronLeft className="size-4" aria-hidden="true" />
        Calls
      </Link>
      <header className="mb-5 flex items-center gap-3">
        <Avatar id={other.id} name={other.displayName} size="lg" />
        <div className="min-w-0 flex-1">
          <h1 className="truncate text-2xl font-bold tracking-tight">
            <Link href={`/calls/person/${other.id}`} className="rounded hover:underline focus-visible:ring-2 focus-visible:ring-ring/50 focus-visible:outline-none">
              {received ? other.displayName : `To ${other.displayName}`}
            </Link>
          </h1>
          <p className="text-sm text-muted-foreground">
            <time dateTime={created.toISOString()} title={created.toLocaleString()}>
              {subtitle}
            </time>
            {!received ? (
              <>
                {" · "}
                <span>{message.seen ? (message.kind === "voicemail" ? "Listened" : "Watched") : message.kind === "voicemail" ? "Not listened to yet" : "Not watched yet"}</span>
              </>
            ) : null}
          </p>
        </div>
      </header>

      {/* the player takes the full column; the transcript reads underneath */}
      {message.status !== "ready" ? (
        <NotReady status={message.status} what={what} />
      ) : (
        <div className="grid gap-4">
          <MessagePlayer message={message} mediaRef={mediaRef} playback={playback} />
          <MessageTranscript messageId={message.id} positionMs={playback.positionMs} onSeek={(ms) => seekAndPlay(mediaRef.current, ms)} className="max-h-80" />
        </div>
      )}

      {/* on a phone: calling on the first row, marking, saving and deleting below (wrapping rather than running off the screen) */}
      <div className="mt-5 flex flex-col gap-3 sm:flex-row sm:items-center sm:gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <span className="mr-1 text-sm font-medium text-muted-foreground">{received ? "Call back" : "Call again"}</span>
          <Button variant="secondary" aria-label={received ? "Call back with audio" : "Call again with audio"} disabled={callBack.isPending || callBack.offline} onClick={() => callBack.start([other.id], "audio")}>
            <Phone aria-hidden="true" />
            Audio
          </Button>
          <Button variant="secondary" aria-label={received ? "Call back with video" : "Call again with video"} disabled={callBack.isPending || callBack.offline} onClick={() => callBack.start([other.id], "video")}>
            <Video aria-hidden="true" />
            Video
          </Button>
        </div>
        <div className="flex min-w-0 flex-wrap items-center justify-between gap-x-2 gap-y-1 sm:flex-1">
          {unseen ? (
            <Button variant="ghost" disabled={markSeen.isPending} onClick={seeIt}>
              <Check aria-hidden="true" />
              Mark as {watched}
            </Button>
          ) : (
            <span />
          )}
          <div className="ml-auto flex items-center gap-1">
            {message.status === "ready" ? <SaveToLibrary messageId={message.id} /> : null}
            <Button variant="ghost" className="text-destructive hover:text-destructive" onClick={() => setConfirmDelete(true)}>
              <Trash2 aria-hidden="true" />
              Delete
            </Button>
          </div>
        </div>
      </div>

      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={`Delete this ${what.toLowerCase()}?`}
        description={deleteDescription}
        confirmLabel="Delete"
        destructive
        pending={remove.isPending}
        onConfirm={() => remove.mutate({ messageId: message.id })}
      />
    </>
  );
}

/** The sender's own message before it can be played (the recipient never sees these). */
function NotReady({ status, what }: { status: Message["status"]; what: string }) {
  const failed = status === "failed";
  return (
    <div role="status" className="flex items-center gap-3 rounded-2xl border border-border bg-card px-5 py-6 text-sm text-muted-foreground shadow-xs">
      {failed ? <TriangleAlert className="size-5 shrink-0 text-destructive" aria-hidden="true" /> : <Loader2 className="size-5 shrink-0 animate-spin" aria-hidden="true" />}
      {failed ? `This ${what.toLowerCase()} couldn’t be processed, so it wasn’t delivered.` : `Your ${what.toLowerCase()} is being prepared. It’s delivered as soon as it’s ready.`}
    </div>
  );
}
