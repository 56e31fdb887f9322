"use client";

import { Check, Loader2, PhoneCall, RotateCw, Send, X } from "lucide-react";
import { useEffect, useRef, useSyncExternalStore } from "react";
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
        className="flex flex-col bg-gradient-to-b from-neutral-800 via-neutral-900 to-black pt-[max(0.75rem,env(safe-area-inset-top))] pb-[max(2.5rem,env(safe-area-inset-bottom))] text-white"
      >
        {/* the same top bar as the video recorder: what it is and for whom, the clock on the right */}
        <div className="flex min-h-12 items-center gap-3 px-4 sm:px-6">
          <div className="flex min-w-0 flex-1 items-center gap-2.5">
            <Avatar id={recipient.id} name={recipient.displayName} size="sm" className="hidden sm:inline-flex" />
            <div className="min-w-0 leading-tight">
              <DialogTitle className="text-base font-semibold">Voicemail</DialogTitle>
              <p className="truncate text-sm text-white/65">To {recipient.displayName}</p>
            </div>
          </div>
          <RecorderTimer
            text={formatRecordingTime(snap.elapsedMs)}
            limitText={snap.phase === "recording" || snap.phase === "connecting" ? LIMIT_TEXT : undefined}
            running={live}
          />
        </div>
        <div className="flex min-h-0 flex-1 flex-col items-center justify-center gap-6 px-6 text-center">
          <div className="relative">
            <MicLevelRing session={session} live={live} />
            <Avatar id={recipient.id} name={recipient.displayName} size="xl" className="relative size-28 text-4xl shadow-2xl ring-4 ring-black/40 sm:size-32" />
          </div>
          <div className="flex flex-col items-center gap-3">
            <h2 className="max-w-[24rem] text-2xl font-semibold tracking-tight text-balance break-words sm:text-3xl">
              Leaving a voicemail for {recipient.displayName}
            </h2>
            <DialogDescription className="max-w-sm text-balance text-white/65">{describe(snap.phase, recipient.displayName)}</DialogDescription>
          </div>
          <div className="flex min-h-10 flex-col items-center">
            <Status snap={snap} name={recipient.displayName} />
          </div>
        </div>
        <div className="flex justify-center px-4">
          <CallControls label="Voicemail controls" className="bg-transparent shadow-none ring-0 backdrop-blur-none">
            <Buttons snap={snap} session={session} onClose={onClose} onDone={onDone} />
          </CallControls>
        </div>
      </DialogContent>
    </Dialog>
  );
}

/**
 * A green ring around the avatar that swells with the caller's voice, so they can see they are
 * heard. Driven per frame straight on the element (no React render per frame); with reduced
 * motion it only brightens.
 */
function MicLevelRing({ session, live }: { session: VoicemailSession; live: boolean }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const ring = ref.current;
    if (!ring || !live) return;
    const still = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;
    let frame = 0;
    let shown = 0;
    const draw = () => {
      const level = session.micLevel();
      // rises at once, falls gently, like a level meter
      shown = level > shown ? level : shown * 0.9 + level * 0.1;
      ring.style.opacity = String(0.35 + shown * 0.65);
      if (!still) ring.style.transform = `scale(${1 + shown * 0.18})`;
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => {
      cancelAnimationFrame(frame);
      ring.style.opacity = "";
      ring.style.transform = "";
    };
  }, [session, live]);
  return (
    <span
      ref={ref}
      aria-hidden="true"
      data-testid="mic-level"
      className={cn("absolute -inset-3 rounded-full bg-green-500/35 ring-2 ring-green-400/60 transition-opacity duration-300 will-change-transform", live ? "opacity-60" : "opacity-0")}
    />
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
