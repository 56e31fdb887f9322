"use client";

import { Phone, Video, X } from "lucide-react";
import { Avatar } from "@ringback/ui/avatar";
import { CallControls, ControlButton } from "@ringback/ui/call-controls";
import { useRef } from "react";
import { useToastClearance } from "./toast-clearance";
import { kindLabel, participantOutcomeLabel, peopleNames, type CallView } from "./types";

/** What the caller sees when nobody picked up: Declined / No answer / Unavailable, then Call Again or Close. */
export function CallOutcome({
  call,
  myId,
  onCallAgain,
  onClose,
  pending,
}: {
  call: CallView;
  myId: string;
  onCallAgain: () => void;
  onClose: () => void;
  pending: boolean;
}) {
  const callees = call.participants.filter((p) => p.userId !== myId && p.role === "callee");
  const only = callees.length === 1 ? callees[0] : undefined;
  const controlsRef = useRef<HTMLDivElement>(null);
  useToastClearance(controlsRef);
  const headline = only ? (participantOutcomeLabel(only.outcome) ?? "Call ended") : groupHeadline(call);

  return (
    <div className="fixed inset-0 z-50 flex flex-col items-center justify-between bg-gradient-to-b from-neutral-800 via-neutral-900 to-black px-6 pt-[max(4rem,env(safe-area-inset-top))] pb-[max(2.5rem,env(safe-area-inset-bottom))] text-white">
      <div className="flex flex-col items-center gap-5 text-center">
        <div className="flex -space-x-3">
          {callees.slice(0, 4).map((p) => (
            <Avatar key={p.userId} id={p.userId} name={p.displayName} size="xl" className="size-24 text-3xl ring-4 ring-black/40" />
          ))}
        </div>
        <div>
          <h1 className="text-3xl font-semibold tracking-tight break-words">{peopleNames(callees)}</h1>
          <p className="mt-1 text-white/60">{kindLabel(call.kind)}</p>
        </div>
        <p role="status" className="rounded-full bg-white/12 px-4 py-1.5 text-lg font-medium">
          {headline}
        </p>
        {!only && callees.length > 1 ? (
          <ul aria-label="Who didn’t answer" className="flex flex-col gap-1 text-sm text-white/75">
            {callees.map((p) => (
              <li key={p.userId}>
                {p.displayName}: {participantOutcomeLabel(p.outcome) ?? "Answered"}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div ref={controlsRef}>
        <CallControls label="After the call" className="bg-transparent shadow-none ring-0 backdrop-blur-none">
          <ControlButton label="Close" icon={X} size="lg" onClick={onClose} />
          <ControlButton
            label="Call Again"
            caption="Call Again"
            icon={call.kind === "video" ? Video : Phone}
            tone="accept"
            size="lg"
            disabled={pending}
            onClick={onCallAgain}
          />
        </CallControls>
      </div>
    </div>
  );
}

function groupHeadline(call: CallView): string {
  switch (call.outcome) {
    case "declined":
      return "Declined";
    case "unavailable":
      return "Unavailable";
    default:
      return "No answer";
  }
}
