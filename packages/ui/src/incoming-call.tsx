"use client";

import { Phone, PhoneOff, Video } from "lucide-react";
import { useRef, type ReactNode } from "react";
import { Avatar } from "./avatar";
import { ControlButton } from "./call-controls";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "./dialog";

export type IncomingCallProps = {
  callerId: string;
  callerName: string;
  /** "Video call" / "Audio call". */
  kindLabel: string;
  kind: "audio" | "video";
  /** Others rung in the same group call, e.g. "with Ana and Bo". */
  withOthers?: string;
  /** This person is already in a call, which accepting will end. */
  busy?: boolean;
  pending?: boolean;
  /** The person's own camera while it rings (a muted <video>), shown full-screen behind the ring. */
  preview?: ReactNode;
  onAcceptVideo: () => void;
  onAcceptAudio: () => void;
  onDecline: () => void;
};

/**
 * The full-screen ring: who is calling, how, and three big buttons. A modal Dialog that cannot be
 * waved away (Escape does nothing): the ring ends by answering, declining or timing out.
 */
export function IncomingCall({ callerId, callerName, kindLabel, kind, withOthers, busy = false, pending, preview, onAcceptVideo, onAcceptAudio, onDecline }: IncomingCallProps) {
  // accepting while already in a call hangs that one up, as on a phone: say so before they tap
  const acceptLabel = (what: string) => (busy ? `End current call and ${what.toLowerCase()}` : what);
  const contentRef = useRef<HTMLDivElement>(null);
  return (
    <Dialog open>
      <DialogContent
        ref={contentRef}
        layout="fullscreen"
        dismissible={false}
        overlayClassName="z-[60]"
        // Focus the dialog itself, not its first button: a ring can arrive while someone is typing,
        // and a keystroke must not decline (or answer) the call. Screen readers announce the caller.
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          contentRef.current?.focus();
        }}
        className="z-[60] flex flex-col items-center justify-between bg-gradient-to-b from-neutral-800 via-neutral-900 to-black px-6 pt-[max(4rem,env(safe-area-inset-top))] pb-[max(3rem,env(safe-area-inset-bottom))] text-white"
      >
        {preview ? (
          <div aria-hidden="true" className="pointer-events-none absolute inset-0 -z-10 overflow-hidden">
            {preview}
            {/* a dark veil, heavier at the top and bottom, keeps the name and buttons legible on any picture */}
            <div className="absolute inset-0 bg-gradient-to-b from-black/75 via-black/35 to-black/80" />
          </div>
        ) : null}
        <div className="flex flex-col items-center gap-5 text-center">
          <Avatar id={callerId} name={callerName} size="xl" className="size-28 text-4xl shadow-2xl ring-4 ring-white/10 motion-safe:animate-pulse sm:size-32" />
          <div>
            <DialogTitle className="text-3xl font-semibold tracking-tight break-words sm:text-4xl">{callerName}</DialogTitle>
            <DialogDescription className="mt-2 text-base text-white/70">
              {kindLabel}
              {withOthers ? ` · ${withOthers}` : ""}
            </DialogDescription>
            {busy ? <p className="mt-3 rounded-full bg-white/10 px-3 py-1 text-sm text-white/85">Accepting ends your current call</p> : null}
          </div>
        </div>
        <div className="flex w-full max-w-sm items-start justify-between gap-4">
          <ControlButton label="Decline" icon={PhoneOff} tone="danger" size="lg" onClick={onDecline} disabled={pending} />
          <ControlButton
            label={acceptLabel(kind === "video" ? "Accept audio only" : "Accept")}
            caption={kind === "video" ? "Audio" : "Accept"}
            icon={Phone}
            tone="accept"
            size="lg"
            onClick={onAcceptAudio}
            disabled={pending}
          />
          {kind === "video" ? (
            <ControlButton label={acceptLabel("Accept with video")} caption="Video" icon={Video} tone="accept" size="lg" onClick={onAcceptVideo} disabled={pending} />
          ) : null}
        </div>
      </DialogContent>
    </Dialog>
  );
}
