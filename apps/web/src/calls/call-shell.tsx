"use client";

import { Mic, PhoneOff, Video } from "lucide-react";
import { useEffect, useRef } from "react";
import { Avatar } from "@ringback/ui/avatar";
import { CallControls, ControlButton } from "@ringback/ui/call-controls";
import { loadCallSession } from "./load-call-session";
import { useToastClearance } from "./toast-clearance";
import { peopleNames } from "./types";

/**
 * The call screen before the call code (LiveKit, the stage) has arrived: who, "Calling…" or
 * "Connecting…", and the controls, laid out like the stage's ringing view so nothing jumps when it
 * takes over. It needs no LiveKit, so it shows the moment a call is placed or answered.
 */
export function CallShell({
  people,
  status,
  endLabel,
  onEnd,
  ending = false,
  prefetch = false,
}: {
  people: ReadonlyArray<{ userId: string; displayName: string }>;
  status: string;
  endLabel: string;
  onEnd?: () => void;
  ending?: boolean;
  /** Start fetching the call code (livekit-client) once this screen has painted. */
  prefetch?: boolean;
}) {
  // toasts stay above these controls too, as on the stage
  const controlsRef = useRef<HTMLDivElement>(null);
  useToastClearance(controlsRef);

  useEffect(() => {
    if (!prefetch) return;
    // after the first paint: the screen comes first, the call code right behind it
    let timer = 0;
    const frame = window.requestAnimationFrame(() => {
      timer = window.setTimeout(() => void loadCallSession().catch(() => {}), 0);
    });
    return () => {
      window.cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, [prefetch]);

  return (
    <div className="fixed inset-0 z-50 overflow-hidden bg-gradient-to-b from-neutral-800 to-black text-white" aria-label="Call" role="region">
      <div className="absolute inset-x-0 top-0 z-20 flex flex-col items-center gap-3 px-6 pt-[max(3rem,env(safe-area-inset-top))] pb-10 text-center">
        <div className="flex -space-x-3">
          {people.slice(0, 4).map((p) => (
            <Avatar key={p.userId} id={p.userId} name={p.displayName} size="xl" className="ring-4 ring-black/40" />
          ))}
        </div>
        <h1 className="text-2xl font-semibold tracking-tight break-words sm:text-3xl">{peopleNames(people)}</h1>
        <p role="status" className="text-base text-white/75">
          {status}
        </p>
      </div>
      <div ref={controlsRef} className="absolute inset-x-0 bottom-0 z-30 flex flex-col items-center gap-2 px-3 pb-[max(1.25rem,env(safe-area-inset-bottom))]">
        <CallControls>
          {/* as on the stage until media is out: the toggles wait */}
          <ControlButton label="Mute" icon={Mic} disabled onClick={() => {}} />
          <ControlButton label="Camera off" caption="Camera" icon={Video} disabled onClick={() => {}} />
          <ControlButton label={endLabel} caption="End" icon={PhoneOff} tone="danger" disabled={ending || !onEnd} onClick={() => onEnd?.()} />
        </CallControls>
      </div>
    </div>
  );
}
