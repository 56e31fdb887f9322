"use client";

import { Check, Loader2, PhoneCall, RotateCw, Send, X } from "lucide-react";
import { useSyncExternalStore } from "react";
import { MESSAGE_LIMITS } from "@ringback/core/messages";
import { Avatar } from "@ringback/ui/avatar";
import { CallControls, ControlButton } from "@ringback/ui/call-controls";
import { cn } from "@ringback/ui/cn";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@ringback/ui/dialog";
import { RecorderNote, RecorderTimer } from "@ringback/ui/recorder";
import { formatRecordingTime } from "./begin";
import type { VoicemailSession, VoicemailSnapshot } from "./voicemail-session";

const LIMIT_TEXT = formatRecordingTime(MESSAGE_LIMITS.maxSeconds * 1000);

/**
 * The caller leaving a Live Voicemail: who it is for, the clock, Send Voicemail and Cancel. The
 * callee may follow along and pick up; then the call screen takes over (see CallOutcome).
 */
export function VoicemailDialog({
  session,
  recipient,
  onClose,
  onDone,
}: {
  session: VoicemailSession;
  recipient: { id: string; displayName: string };
  /** Cancel / ✕: the voicemail is discarded and the outcome screen shows again */
  onClose: () => void;
  /** after "Voicemail sent": leave the call screen */
  onDone: () => void;
}) {
  const snap = useSyncExternalStore(session.subscribe, session.getSnapshot, session.getSnapshot);
  const live = snap.phase === "recording";
  return (
    <Dialog open onOpenChange={(open) => (open ? undefined : onClose())}>
      <DialogContent
        layout="fullscreen"
        // Escape must not drop a voicemail being left: Cancel does
        dismissible={false}
        className="flex flex-col items-center justify-between bg-gradient-to-b from-neutral-800 via-neutral-900 to-black px-6 pt-[max(3rem,env(safe-area-inset-top))] pb-[max(2.5rem,env(safe-area-inset-bottom))] text-white"
      >
        <div className="flex flex-col items-center gap-6 text-center">
          <DialogTitle className="rounded-full bg-white/10 px-3 py-1 text-xs font-semibold tracking-wide text-white/75 uppercase">Voicemail</DialogTitle>
          <div className="relative">
            {/* a calm breathing ring while the microphone is live */}
            <span
              aria-hidden="true"
              className={cn("absolute -inset-3 rounded-full bg-green-500/25 transition-opacity duration-500", live ? "opacity-100 motion-safe:animate-pulse" : "opacity-0")}
            />
            <Avatar id={recipient.id} name={recipient.displayName} size="xl" className="relative size-28 text-4xl shadow-2xl ring-4 ring-black/40 sm:size-32" />
          </div>
          <div className="flex flex-col items-center gap-3">
            <h2 className="max-w-[24rem] text-2xl font-semibold tracking-tight text-balance break-words sm:text-3xl">
              Leaving a voicemail for {recipient.displayName}
            </h2>
            <DialogDescription className="max-w-sm text-balance text-white/65">{describe(snap.phase, recipient.displayName)}</DialogDescription>
          </div>
          <div className="flex min-h-16 flex-col items-center gap-3">
            <RecorderTimer
              text={formatRecordingTime(snap.elapsedMs)}
              limitText={snap.phase === "recording" || snap.phase === "connecting" ? LIMIT_TEXT : undefined}
              running={live}
            />
            <Status snap={snap} name={recipient.displayName} />
          </div>
        </div>
        <CallControls label="Voicemail controls" className="bg-transparent shadow-none ring-0 backdrop-blur-none">
          <Buttons snap={snap} session={session} onClose={onClose} onDone={onDone} />
        </CallControls>
      </DialogContent>
    </Dialog>
  );
}

function describe(phase: VoicemailSnapshot["phase"], name: string): string {
  switch (phase) {
    case "picked-up":
      return `${name} picked up.`;
    case "sent":
      return `Your voicemail is on its way to ${name}.`;
    case "cancelled":
    case "failed":
      return "Nothing was sent.";
    default:
      return `${name} can read your words as you speak, and may pick up.`;
  }
}

function Buttons({ snap, session, onClose, onDone }: { snap: VoicemailSnapshot; session: VoicemailSession; onClose: () => void; onDone: () => void }) {
  const upload = snap.upload;
  switch (snap.phase) {
    case "connecting":
    case "recording":
      return (
        <>
          <ControlButton label="Cancel" icon={X} size="lg" onClick={onClose} />
          <ControlButton label="Send Voicemail" caption="Send" icon={Send} tone="accept" size="lg" disabled={snap.phase !== "recording"} onClick={() => void session.send()} />
        </>
      );
    case "sending":
      if (upload?.phase === "failed" && upload.retryable) {
        return (
          <>
            <ControlButton label="Cancel" icon={X} size="lg" onClick={onClose} />
            <ControlButton label="Try Again" icon={RotateCw} tone="accept" size="lg" onClick={() => session.retryUpload()} />
          </>
        );
      }
      if (upload?.phase === "failed") return <ControlButton label="Close" icon={X} size="lg" onClick={onClose} />;
      return (
        <>
          <ControlButton label="Cancel" icon={X} size="lg" disabled />
          <ControlButton label="Send Voicemail" caption="Send" icon={Send} tone="accept" size="lg" disabled />
        </>
      );
    case "sent":
      return <ControlButton label="Done" icon={Check} tone="accept" size="lg" onClick={onDone} autoFocus />;
    case "picked-up":
      return <ControlButton label="Connecting" icon={PhoneCall} tone="accept" size="lg" disabled />;
    case "cancelled":
    case "failed":
      return <ControlButton label="Close" icon={X} size="lg" onClick={onClose} />;
    default: {
      const _exhaustive: never = snap.phase;
      return _exhaustive;
    }
  }
}

function Status({ snap, name }: { snap: VoicemailSnapshot; name: string }) {
  const upload = snap.upload;
  if (snap.phase === "failed") {
    return (
      <RecorderNote role="alert" tone="error">
        {snap.error}
      </RecorderNote>
    );
  }
  if (snap.phase === "sending" && upload?.phase === "failed") {
    return (
      <RecorderNote role="alert" tone="error">
        {upload.error}
      </RecorderNote>
    );
  }
  const note = (() => {
    switch (snap.phase) {
      case "connecting":
        return { text: "Connecting…", spin: true };
      case "sending":
        return { text: "Sending…", spin: true };
      case "sent":
        return { text: "Voicemail sent", spin: false };
      case "picked-up":
        return { text: `Connecting you with ${name}…`, spin: true };
      default:
        return null;
    }
  })();
  if (!note) return <p role="status" className="sr-only" />;
  return (
    <RecorderNote role="status" tone={snap.phase === "sent" ? "success" : "neutral"}>
      {note.spin ? <Loader2 className="size-4 animate-spin" aria-hidden="true" /> : <Check className="size-4" aria-hidden="true" />}
      {note.text}
    </RecorderNote>
  );
}
