"use client";

import { Circle, Square } from "lucide-react";
import { useEffect, useId, useRef } from "react";
import { toast } from "sonner";
import { ControlButton } from "@ringback/ui/call-controls";
import type { CallSession } from "~/calls/call-session";
import type { CallView } from "~/calls/types";
import { currentRecorder, startRecording } from "./call-recorder";
import { useActiveRecording, useMyRecorder, useRecordingApi } from "./use-recording";

/**
 * Record / Stop recording in the call toolbar. When recording is not allowed right now (someone has
 * not allowed it, someone else is recording) the button stays focusable but says why: as its
 * accessible description, its tooltip, and a notice when pressed.
 */
export function RecordButton({ call, session }: { call: CallView; myId: string; session: CallSession }) {
  const active = useActiveRecording(call.id);
  const mine = useMyRecorder(call.id);
  const api = useRecordingApi();
  const reasonId = useId();
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
        tone="danger"
        aria-disabled={starting ? "true" : undefined}
        className="[&>svg]:fill-current"
        onClick={() => {
          if (!starting) void currentRecorder()?.stop({ tellServer: true });
        }}
      />
    );
  }

  // recording from this account but not from this tab (the page was reloaded): it can still be stopped
  const orphan = active.data?.recording?.mine && !mine ? active.data.recording : null;
  if (orphan) {
    return (
      <ControlButton
        label="Stop recording"
        caption="Stop"
        icon={Square}
        tone="danger"
        className="[&>svg]:fill-current"
        onClick={() => void api.stop(orphan.id).catch(() => {})}
      />
    );
  }

  const canStart = active.data?.canStart;
  const refusal = canStart && !canStart.ok ? canStart.reason : active.isError ? "Recording isn’t available right now" : null;
  const waiting = !active.data && !active.isError;
  const finishing = mine?.phase === "finishing";
  const disabled = Boolean(refusal) || waiting || finishing;
  return (
    <>
      <ControlButton
        label="Record"
        icon={Circle}
        aria-disabled={disabled ? "true" : undefined}
        aria-describedby={refusal ? reasonId : undefined}
        title={refusal ?? (finishing ? "Saving the last recording…" : "Record")}
        className={disabled ? "cursor-not-allowed opacity-50" : "[&>svg]:fill-red-500 [&>svg]:text-red-500"}
        onClick={() => {
          if (refusal) {
            toast(refusal, { id: "record-refused" });
            return;
          }
          if (disabled) return;
          startRecording(call.id, session, api);
        }}
      />
      {refusal ? (
        <span id={reasonId} hidden>
          {refusal}
        </span>
      ) : null}
    </>
  );
}
