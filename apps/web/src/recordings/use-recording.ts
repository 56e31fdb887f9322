"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { RoomEvent } from "livekit-client";
import { useEffect, useMemo, useSyncExternalStore } from "react";
import type { CallSession } from "~/calls/call-session";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { currentRecorder, subscribeRecorder, type CallRecorderSnapshot, type RecordingApi } from "./call-recorder";

/** recordings.active for the call: who records it now, and whether I could start one (with the reason if not). */
export function useActiveRecording(callId: string) {
  const trpc = useTRPC();
  // events keep it fresh; the slow poll covers an event that never reached this tab
  return useQuery({ ...trpc.recordings.active.queryOptions({ callId }), staleTime: 5_000, refetchInterval: 20_000 });
}

/** Refetches recordings.active when people come and go in the room (consent depends on who is present). */
export function useRefetchOnPresence(callId: string, session: CallSession): () => void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refetch = useMemo(
    () => () => void queryClient.invalidateQueries({ queryKey: trpc.recordings.active.queryKey({ callId }) }),
    [queryClient, trpc, callId],
  );
  useEffect(() => {
    const room = session.room;
    room.on(RoomEvent.ParticipantConnected, refetch).on(RoomEvent.ParticipantDisconnected, refetch);
    // my own join: the page asks before the server has me in the call, and joining may itself stop a
    // recording (I have not allowed it) without this tab being told
    let phase = session.getSnapshot().phase;
    const unsubscribe = session.subscribe(() => {
      const next = session.getSnapshot().phase;
      if (next !== phase && (next === "connected" || next === "reconnecting")) refetch();
      phase = next;
    });
    return () => {
      room.off(RoomEvent.ParticipantConnected, refetch).off(RoomEvent.ParticipantDisconnected, refetch);
      unsubscribe();
    };
  }, [session, refetch]);
  return refetch;
}

/** This tab's recorder state for the call, or null when this tab is not recording it. */
export function useMyRecorder(callId: string): CallRecorderSnapshot | null {
  return useSyncExternalStore(
    subscribeRecorder,
    () => {
      const recorder = currentRecorder();
      return recorder && recorder.callId === callId ? recorder.getSnapshot() : null;
    },
    () => null,
  );
}

/** recordings.start / recordings.stop as plain functions for the recorder. */
export function useRecordingApi(): RecordingApi {
  const client = useTRPCClient();
  return useMemo(
    () => ({
      start: (callId) => client.recordings.start.mutate({ callId }),
      stop: (recordingId) => client.recordings.stop.mutate({ recordingId }),
    }),
    [client],
  );
}
