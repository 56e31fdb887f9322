"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Loader2, Phone, Voicemail, X } from "lucide-react";
import { usePathname, useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useReducer, useRef, useState } from "react";
import { toast } from "~/components/toasts";
import { Avatar } from "@ringback/ui/avatar";
import { Button } from "@ringback/ui/button";
import { cn } from "@ringback/ui/cn";
import { LiveTranscript } from "@ringback/ui/transcript-view";
import { formatMessageDuration } from "@ringback/core/messages";
import { notifyMessage } from "~/calls/notifications";
import { useRealtimeEvent } from "~/calls/realtime-listeners";
import { newerCall, type CallView } from "~/calls/types";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { liveVoicemailReducer, needsSnapshot, noLiveVoicemail, type LiveVoicemail } from "./live-voicemail-reducer";

// How long a "Voicemail ended" card stays before it goes by itself.
const ENDED_CARD_MS = { sent: 12_000, abandoned: 5_000 } as const;

/**
 * The callee's Live Voicemail: while someone leaves them a voicemail, a card shows the words as they
 * are spoken, with Pick Up (turns it into a live call, no ring) and Dismiss. Mounted once per tab.
 */
export function LiveVoicemailLayer() {
  const client = useTRPCClient();
  const pathname = usePathname();
  const [state, dispatch] = useReducer(liveVoicemailReducer, noLiveVoicemail);
  const stateRef = useRef(state);
  stateRef.current = state;
  const fetching = useRef(new Set<string>());

  useRealtimeEvent("voicemail-started", ({ payload }) => {
    dispatch({ type: "started", messageId: payload.messageId, callId: payload.callId, from: payload.from, startedAt: payload.startedAt });
    notifyMessage({ tag: `voicemail-${payload.messageId}`, title: `${payload.from.displayName} is leaving a voicemail`, body: "Open Ringback to read it live or pick up." });
  });

  useRealtimeEvent("voicemail-transcript", ({ payload }) => {
    dispatch({ type: "transcript", messageId: payload.messageId, segments: payload.segments });
    // Words of a voicemail this tab never saw start (opened mid-voicemail): ask who it is and what came before.
    const { messageId } = payload;
    if (!needsSnapshot(stateRef.current, messageId) || fetching.current.has(messageId)) return;
    fetching.current.add(messageId);
    client.messages.live
      .query({ messageId })
      .then((live) => dispatch({ type: "snapshot", messageId, active: live.active, from: live.from, segments: live.segments }))
      .catch(() => {})
      .finally(() => fetching.current.delete(messageId));
  });

  useRealtimeEvent("voicemail-ended", ({ payload }) => dispatch({ type: "ended", messageId: payload.messageId, reason: payload.reason }));
  useRealtimeEvent("message-received", ({ payload }) => dispatch({ type: "ready", messageId: payload.message.id }));

  const current = state.current;
  const close = useCallback((messageId: string) => dispatch({ type: "close", messageId }), []);

  // An ended card goes by itself after a while (sooner when nothing was sent).
  useEffect(() => {
    if (!current || current.phase !== "ended") return;
    const timer = window.setTimeout(() => close(current.messageId), ENDED_CARD_MS[current.endedReason === "sent" ? "sent" : "abandoned"]);
    return () => window.clearTimeout(timer);
  }, [current, close]);

  if (!current) return null;
  // on a call screen the bottom belongs to the call's controls: the card goes to the top
  const onCallScreen = pathname.startsWith("/call/");
  return <LiveVoicemailCard key={current.messageId} voicemail={current} atTop={onCallScreen} onClose={() => close(current.messageId)} />;
}

function useElapsed(since: Date | null, running: boolean): string | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!since || !running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [since, running]);
  return since ? formatMessageDuration(Math.max(0, now - since.getTime())) : null;
}

function LiveVoicemailCard({ voicemail, atTop, onClose }: { voicemail: LiveVoicemail; atTop: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const descriptionId = useId();
  const live = voicemail.phase === "live";
  const elapsed = useElapsed(voicemail.startedAt, live);
  const name = voicemail.from.displayName;

  const pickUp = useMutation(
    trpc.messages.pickUp.mutationOptions({
      onSuccess: ({ call }: { call: CallView }) => {
        queryClient.setQueryData(trpc.calls.get.queryKey({ callId: call.id }), (prev: CallView | undefined) => newerCall(prev, call));
        onClose();
        router.push(`/call/${call.id}?media=audio`);
      },
      onError: (error) => toast.error(errorMessage(error, "Couldn’t pick up. The voicemail may have just ended.")),
    }),
  );

  return (
    <section
      role="dialog"
      aria-modal="false"
      aria-label="Live Voicemail"
      aria-describedby={descriptionId}
      className={cn(
        "fixed inset-x-3 z-50 mx-auto flex max-w-md flex-col gap-3 rounded-3xl bg-neutral-900/95 p-4 text-white shadow-2xl ring-1 ring-white/10 backdrop-blur-xl md:inset-x-auto md:right-6 md:w-[23rem]",
        atTop ? "top-[max(0.75rem,env(safe-area-inset-top))] md:top-6" : "bottom-[calc(5.5rem+env(safe-area-inset-bottom))] md:bottom-6",
        "motion-safe:animate-[rb-fade-in_200ms_ease-out]",
      )}
    >
      <div className="flex items-center gap-3">
        <Avatar id={voicemail.from.id} name={name} size="md" />
        {/* the name on its own line (cut if it must be), what is happening under it: read together as
            "<Name> is leaving a voicemail" */}
        <p id={descriptionId} className="min-w-0 flex-1 leading-tight">
          <span className="block truncate text-[15px] font-semibold">{name}</span>
          <span className="sr-only"> </span>
          <span className="mt-0.5 flex items-center gap-1.5 text-[13px] font-medium text-white/65">
            {live ? <span className="size-1.5 shrink-0 rounded-full bg-red-500 motion-safe:animate-pulse" aria-hidden="true" /> : <Voicemail className="size-3.5 shrink-0" aria-hidden="true" />}
            {live ? "is leaving a voicemail" : voicemail.endedReason === "sent" ? "left you a voicemail" : "hung up"}
          </span>
        </p>
        {live && elapsed ? <span className="shrink-0 text-sm text-white/60 tabular-nums">{elapsed}</span> : null}
        {!live ? (
          <button type="button" onClick={onClose} aria-label="Close" className="shrink-0 rounded-full p-1.5 text-white/70 outline-none hover:bg-white/10 hover:text-white focus-visible:ring-2 focus-visible:ring-white/60">
            <X className="size-4" aria-hidden="true" />
          </button>
        ) : null}
      </div>

      <section aria-label="Live transcript" className="rounded-2xl bg-white/[0.07] px-3.5 py-3">
        <LiveTranscript segments={voicemail.segments} placeholder={live ? "Listening…" : "No words were heard."} className="max-h-40 min-h-12 text-white/95" />
      </section>

      {live ? (
        <div className="grid grid-cols-2 gap-2">
          <Button variant="ghost" className="h-11 bg-white/12 text-white hover:bg-white/20 hover:text-white" onClick={onClose} disabled={pickUp.isPending}>
            Dismiss
          </Button>
          <Button className="h-11 bg-green-500 text-white hover:bg-green-600" onClick={() => pickUp.mutate({ messageId: voicemail.messageId })} disabled={pickUp.isPending}>
            {pickUp.isPending ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Phone className="fill-current" aria-hidden="true" />}
            Pick Up
          </Button>
        </div>
      ) : (
        <p className="text-sm text-white/70">
          <span className="font-medium text-white">Voicemail ended.</span>{" "}
          {voicemail.endedReason === "sent" ? "You’ll find it in your calls in a moment." : "Nothing was left."}
        </p>
      )}
    </section>
  );
}
