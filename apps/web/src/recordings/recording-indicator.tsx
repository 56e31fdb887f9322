"use client";

import { useQueryClient } from "@tanstack/react-query";
import { Circle, Square } from "lucide-react";
import { useEffect, useState } from "react";
import { toast } from "~/components/toasts";
import { recordingStoppedText } from "@ringback/core/library";
import type { CallSession } from "~/calls/call-session";
import { useRealtimeEvent } from "~/calls/realtime-listeners";
import type { CallView } from "~/calls/types";
import { useTRPC } from "~/trpc/react";
import { currentRecorder } from "./call-recorder";
import { formatElapsed } from "./layout";
import { useActiveRecording, useMyRecorder, useRefetchOnPresence } from "./use-recording";

/** The start and stop notices stay long enough to be seen next to the REC pill. */
const NOTICE_MS = 8_000;

type Active = { id: string; by: { id: string; displayName: string; handle: string }; startedAt: Date; mine: boolean };

/**
 * The REC pill everyone in the call sees for as long as a recording runs (also someone who joins
 * mid-way: it comes from recordings.active), and the notices when one starts and stops. It also
 * hands the server's stops to this tab's recorder, which then finishes its upload.
 */
export function RecordingIndicator({ call, myId, session }: { call: CallView; myId: string; session: CallSession }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const active = useActiveRecording(call.id);
  const mine = useMyRecorder(call.id);
  const refetch = useRefetchOnPresence(call.id, session);
  const key = trpc.recordings.active.queryKey({ callId: call.id });

  const setRecording = (recording: Active | null) =>
    queryClient.setQueryData(key, (prev) => (prev ? { ...prev, recording } : prev));

  useRealtimeEvent("recording-started", ({ payload }) => {
    if (payload.callId !== call.id) return;
    const byMe = payload.by.id === myId;
    setRecording({ id: payload.recordingId, by: payload.by, startedAt: payload.startedAt, mine: byMe });
    toast(byMe ? "You started recording this call" : `${payload.by.displayName} started recording this call`, {
      id: `rec-start-${payload.recordingId}`,
      duration: NOTICE_MS,
      icon: <Circle className="size-4 fill-red-500 text-red-500" aria-hidden="true" />,
    });
    refetch();
  });
  useRealtimeEvent("recording-stopped", ({ payload }) => {
    if (payload.callId !== call.id) return;
    currentRecorder()?.stoppedByServer(payload.recordingId);
    const prev = queryClient.getQueryData(key);
    if (prev?.recording?.id === payload.recordingId) setRecording(null);
    const name = payload.by.id === myId && payload.reason === "stopped" ? "You" : payload.by.displayName;
    toast(recordingStoppedText(payload.reason, name, payload.who), {
      id: `rec-stop-${payload.recordingId}`,
      duration: NOTICE_MS,
      icon: <Square className="size-3.5 fill-current" aria-hidden="true" />,
    });
    refetch();
  });
  useRealtimeEvent("capture-consent-changed", ({ payload }) => {
    if (payload.callId === call.id) refetch();
  });

  const server = active.data?.recording ?? null;
  const local = mine?.phase === "recording" || mine?.phase === "starting" ? mine : null;
  // Everyone counts from the server's start (the press), so the clocks agree; the recorder is told
  // "Starting…" until its own recorder really runs.
  let shown: { label: string; since: Date | null } | null = null;
  if (local?.phase === "starting") shown = { label: "Starting…", since: null };
  else if (local) shown = { label: "You're recording", since: server && server.id === local.recordingId ? server.startedAt : local.startedAt };
  else if (server && !(server.mine && mine)) shown = { label: server.mine ? "You're recording" : `${server.by.displayName} is recording`, since: server.startedAt };
  if (!shown) return null;
  return <RecPill label={shown.label} since={shown.since} />;
}

function RecPill({ label, since }: { label: string; since: Date | null }) {
  const elapsed = useElapsedMs(since);
  return (
    <div
      role="status"
      className="pointer-events-none absolute top-[max(4.75rem,calc(env(safe-area-inset-top)+4rem))] left-2.5 z-20 flex max-w-[calc(100%-8rem)] items-center gap-1.5 rounded-full bg-red-600/90 py-1.5 pr-2.5 pl-2 text-[13px] font-medium text-white shadow-lg ring-1 ring-white/20 backdrop-blur sm:top-5 sm:left-1/2 sm:max-w-none sm:-translate-x-1/2 sm:gap-2 sm:pr-3 sm:pl-2.5 sm:text-sm"
    >
      <span aria-hidden="true" className="relative flex size-2.5 shrink-0">
        <span className="absolute inset-0 animate-ping rounded-full bg-white/70 [animation-duration:2s]" />
        <span className="relative size-2.5 rounded-full bg-white" />
      </span>
      <span className="font-bold tracking-wider">REC</span>
      <span className="truncate">{label}</span>
      {/* a timer is not read out every second inside the status */}
      {since ? (
        <span role="timer" className="shrink-0 text-white/85 tabular-nums">
          {formatElapsed(elapsed)}
        </span>
      ) : null}
    </div>
  );
}

/**
 * Milliseconds since `since`, re-rendered on each whole second after it (not on a free-running
 * interval), so everyone's clock, counted from the same server start, turns over at the same moment.
 */
function useElapsedMs(since: Date | null): number {
  const [now, setNow] = useState(() => Date.now());
  const start = since ? new Date(since).getTime() : null;
  useEffect(() => {
    if (start === null) return;
    let timer = 0;
    const tick = () => {
      const current = Date.now();
      setNow(current);
      const intoSecond = (((current - start) % 1000) + 1000) % 1000;
      timer = window.setTimeout(tick, 1000 - intoSecond + 5);
    };
    tick();
    return () => window.clearTimeout(timer);
  }, [start]);
  return start !== null ? Math.max(0, now - start) : 0;
}
