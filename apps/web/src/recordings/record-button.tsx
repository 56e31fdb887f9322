"use client";

import { Circle, Square } from "lucide-react";
import { useEffect, useRef } from "react";
import { toast } from "~/components/toasts";
import { ControlButton } from "@ringback/ui/call-controls";
import type { CallSession } from "~/calls/call-session";
import type { CallView } from "~/calls/types";
import { currentRecorder, startRecording } from "./call-recorder";
import { useActiveRecording, useMyRecorder, useRecordingApi } from "./use-recording";

/**
 * "Stop recording" is a white button with a red square: it must not look like the red End call
 * button next to it (a mis-tap would end the call).
 */
const STOP_LOOK = "bg-white text-red-600 hover:bg-white/90 [&>svg]:fill-current";

/**
 * Record / Stop recording in the call toolbar. When recording is not allowed right now (someone has
 * not allowed it, someone else is recording) the button stays focusable but says why, as the
 * Live Photo shutter does: its accessible description, shown in a bubble above it on hover, on
 * keyboard focus and for a few seconds after each press.
 */
export function RecordButton({ call, session }: { call: CallView; myId: string; session: CallSession }) {
  const active = useActiveRecording(call.id);
  const mine = useMyRecorder(call.id);
  const api = useRecordingApi();
  const shownError = useRef<string | null>(null);

  // a start the API refused, or a recording cut short (the Library filled up): say why, once
  useEffect(() => {
    const error = mine?.error ?? null;
    if (error && error !== shownError.current) toast.error(error, { id: "recording-error" });
    shownError.current = error;
  }, [mine?.error]);

  const recordingHere = mine?.phase === "recording" || mine?.phase === "starting";
  if (recordingHere) {
    const starting = mine.phase === "starting";
    return (
      <ControlButton
        label="Stop recording"
        caption={starting ? "Starting…" : "Stop"}
        icon={Square}
        unavailableReason={starting ? "The recording is starting…" : null}
        className={STOP_LOOK}
        onClick={() => void currentRecorder()?.stop({ tellServer: true })}
      />
    );
  }

  // recording from this account but not from this tab (the page was reloaded): it can still be stopped
  const orphan = active.data?.recording?.mine && !mine ? active.data.recording : null;
  if (orphan) {
    return <ControlButton label="Stop recording" caption="Stop" icon={Square} className={STOP_LOOK} onClick={() => void api.stop(orphan.id).catch(() => {})} />;
  }

  const canStart = active.data?.canStart;
  const reason =
    canStart && !canStart.ok
      ? canStart.reason
      : active.isError
        ? "Recording isn’t available right now"
        : !active.data
          ? "Checking whether recording is allowed…"
          : mine?.phase === "finishing"
            ? "Saving the last recording…"
            : null;
  return (
    <ControlButton
      label="Record"
      icon={Circle}
      unavailableReason={reason}
      className={reason ? undefined : "[&>svg]:fill-red-500 [&>svg]:text-red-500"}
      onClick={() => startRecording(call.id, session, api)}
    />
  );
}
