"use client";

import { RoomAudioRenderer, useTracks, type TrackReferenceOrPlaceholder } from "@livekit/components-react";
import { Track } from "livekit-client";
import { Loader2, WifiOff } from "lucide-react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Avatar } from "@ringback/ui/avatar";
import { cn } from "@ringback/ui/cn";
import { VideoTile } from "@ringback/ui/video-tile";
import type { CallSession, SessionSnapshot } from "./call-session";
import { LivePhotoShutter } from "~/live-photos/shutter";
import { RecordButton } from "~/recordings/record-button";
import { RecordingIndicator } from "~/recordings/recording-indicator";
import { CallToolbar } from "./call-toolbar";
import { ParticipantTile } from "./participant-tile";
import { useToastClearance } from "./toast-clearance";
import { playTone } from "./tones";
import { formatDuration, kindLabel, otherPeople, participantOutcomeLabel, peopleNames, type CallView } from "./types";

const SOURCES = [
  { source: Track.Source.Camera, withPlaceholder: true },
  { source: Track.Source.ScreenShare, withPlaceholder: false },
];

function tileKey(ref: TrackReferenceOrPlaceholder): string {
  return `${ref.participant.identity}:${ref.source}`;
}

/** Everything inside a connected (or connecting) call. Must be rendered inside RoomContext. */
export function CallStage({
  call,
  myId,
  session,
  snapshot,
  onHangUp,
  hangingUp,
}: {
  call: CallView;
  myId: string;
  session: CallSession;
  snapshot: SessionSnapshot;
  onHangUp: () => void;
  hangingUp: boolean;
}) {
  const tracks = useTracks(SOURCES, { onlySubscribed: false });
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  const others = otherPeople(call, myId);
  const outgoingRinging = call.status === "ringing" && call.direction === "outgoing";
  const controlsRef = useRef<HTMLDivElement>(null);
  useToastClearance(controlsRef);

  useEffect(() => {
    if (!outgoingRinging) return;
    const tone = playTone("ringback");
    return () => tone.stop();
  }, [outgoingRinging]);

  const localCamera = tracks.find((t) => t.participant.isLocal && t.source === Track.Source.Camera);
  const remote = tracks.filter((t) => !t.participant.isLocal);
  const presentIds = new Set(remote.map((t) => t.participant.identity));
  // People still being rung in a group call get a quiet placeholder until they pick up.
  const pending = others.filter((p) => p.outcome === "ringing" && !presentIds.has(p.userId));
  const dropped = others.filter((p) => p.role === "callee" && (p.outcome === "declined" || p.outcome === "no-answer" || p.outcome === "unavailable"));
  const focused = focusedKey ? remote.find((t) => tileKey(t) === focusedKey) : undefined;
  const group = remote.length + pending.length > 1;
  // whom a Live Photo would capture: the only other person, or the focused tile in a group call
  const subject = (group ? focused : remote[0]) ?? null;
  const live = call.status === "active" && remote.length > 0;

  let stage: ReactNode;
  if (remote.length === 0) {
    // Nobody else has joined yet: my own camera fills the screen (as phones do while ringing).
    stage =
      localCamera && call.kind === "video" && snapshot.cameraEnabled ? (
        <ParticipantTile trackRef={localCamera} variant="stage" />
      ) : (
        <div className="size-full bg-gradient-to-b from-neutral-800 to-black" />
      );
  } else if (!group) {
    const only = remote[0];
    stage = only ? <ParticipantTile trackRef={only} variant="stage" /> : null;
  } else if (focused) {
    stage = (
      <div className="flex size-full flex-col">
        <div className="min-h-0 flex-1">
          <ParticipantTile trackRef={focused} variant="grid" className="size-full rounded-none" onSelect={() => setFocusedKey(null)} selectLabel="Show everyone" />
        </div>
        <div className="flex gap-2 overflow-x-auto bg-black px-3 pt-2 pb-40 sm:pb-36">
          {remote
            .filter((t) => t !== focused)
            .map((t) => (
              <ParticipantTile
                key={tileKey(t)}
                trackRef={t}
                variant="pip"
                className="aspect-[4/3] h-24 shrink-0 sm:h-28"
                onSelect={() => setFocusedKey(tileKey(t))}
                selectLabel={`Focus ${t.participant.name || "participant"}`}
              />
            ))}
        </div>
      </div>
    );
  } else {
    const count = remote.length + pending.length;
    stage = (
      <div
        className={cn(
          "grid size-full auto-rows-fr gap-2 p-2 pt-20 pb-40 sm:pb-36",
          count <= 2 ? "grid-cols-1 sm:grid-cols-2" : count <= 4 ? "grid-cols-2" : "grid-cols-2 lg:grid-cols-3",
        )}
      >
        {remote.map((t) => (
          <ParticipantTile
            key={tileKey(t)}
            trackRef={t}
            variant="grid"
            className="min-h-0"
            onSelect={() => setFocusedKey(tileKey(t))}
            selectLabel={`Focus ${t.participant.name || "participant"}`}
          />
        ))}
        {pending.map((p) => (
          <VideoTile key={p.userId} name={p.displayName} avatarId={p.userId} variant="grid" status="Ringing…" className="min-h-0" />
        ))}
      </div>
    );
  }

  return (
    <div className="fixed inset-0 z-50 overflow-hidden bg-black text-white" aria-label="Call" role="region">
      <RoomAudioRenderer />
      <div className="absolute inset-0">{stage}</div>

      <CallHeader call={call} others={others} dropped={dropped} ringing={outgoingRinging} joined={remote.length > 0} />
      <RecordingIndicator call={call} myId={myId} session={session} />

      {snapshot.phase === "reconnecting" || (snapshot.phase === "connecting" && !outgoingRinging) ? (
        <div
          role="status"
          className="absolute top-1/2 left-1/2 z-30 flex -translate-x-1/2 -translate-y-1/2 items-center gap-2 rounded-full bg-black/60 px-4 py-2 text-sm font-medium backdrop-blur"
        >
          {snapshot.phase === "reconnecting" ? <WifiOff className="size-4" aria-hidden="true" /> : <Loader2 className="size-4 animate-spin" aria-hidden="true" />}
          {snapshot.phase === "reconnecting" ? "Reconnecting…" : "Connecting…"}
        </div>
      ) : null}

      {remote.length > 0 && localCamera ? (
        <div className="absolute top-[max(5.5rem,calc(env(safe-area-inset-top)+4.5rem))] right-3 z-20 aspect-[3/4] w-24 sm:top-6 sm:right-6 sm:aspect-video sm:w-56">
          <ParticipantTile trackRef={localCamera} variant="pip" className="size-full" />
        </div>
      ) : null}

      <div ref={controlsRef} className="absolute inset-x-0 bottom-0 z-30 flex flex-col items-center gap-2 px-3 pb-[max(1.25rem,env(safe-area-inset-bottom))]">
        {snapshot.error ? (
          <p role="alert" className="max-w-md rounded-2xl bg-red-600/90 px-4 py-2 text-center text-sm">
            {snapshot.error}
          </p>
        ) : null}
        <CallToolbar
          session={session}
          snapshot={snapshot}
          endLabel={outgoingRinging ? "Cancel call" : "End call"}
          onEnd={onHangUp}
          ending={hangingUp}
          captureControls={
            live ? (
              <>
                <LivePhotoShutter call={call} myId={myId} subject={subject} />
                <RecordButton call={call} myId={myId} session={session} />
              </>
            ) : null
          }
        />
      </div>
    </div>
  );
}

function CallHeader({
  call,
  others,
  dropped,
  ringing,
  joined,
}: {
  call: CallView;
  others: CallView["participants"];
  dropped: CallView["participants"];
  ringing: boolean;
  joined: boolean;
}) {
  const elapsed = useElapsed(call.answeredAt);
  const callees = others.filter((p) => p.role === "callee" || call.direction === "incoming");
  if (ringing || !joined) {
    return (
      <div className="absolute inset-x-0 top-0 z-20 flex flex-col items-center gap-3 bg-gradient-to-b from-black/70 to-transparent px-6 pt-[max(3rem,env(safe-area-inset-top))] pb-10 text-center">
        <div className="flex -space-x-3">
          {callees.slice(0, 4).map((p) => (
            <Avatar key={p.userId} id={p.userId} name={p.displayName} size="xl" className="ring-4 ring-black/40" />
          ))}
        </div>
        <h1 className="text-2xl font-semibold tracking-tight break-words sm:text-3xl">{peopleNames(callees)}</h1>
        <p role="status" className="text-base text-white/75">
          {ringing ? `${kindLabel(call.kind)} · Calling…` : "Connecting…"}
        </p>
        <DroppedList dropped={dropped} />
      </div>
    );
  }
  return (
    <div className="absolute inset-x-0 top-0 z-20 flex flex-col items-center bg-gradient-to-b from-black/60 to-transparent px-4 pt-[max(1rem,env(safe-area-inset-top))] pb-8 text-center sm:items-start sm:px-6">
      {/* who is here or still being rung; those who declined or missed are listed below instead */}
      <h1 className="max-w-full truncate text-lg font-semibold">{peopleNames(others.filter((p) => !dropped.includes(p)))}</h1>
      <p className="text-sm text-white/75 tabular-nums">
        {kindLabel(call.kind)}
        {elapsed !== null ? ` · ${formatDuration(elapsed)}` : ""}
      </p>
      <DroppedList dropped={dropped} />
    </div>
  );
}

function DroppedList({ dropped }: { dropped: CallView["participants"] }) {
  if (dropped.length === 0) return null;
  return (
    <ul aria-label="Not joining" className="mt-1 flex flex-wrap justify-center gap-1.5 text-xs">
      {dropped.map((p) => (
        <li key={p.userId} className="rounded-full bg-white/15 px-2.5 py-1">
          {p.displayName}: {participantOutcomeLabel(p.outcome)}
        </li>
      ))}
    </ul>
  );
}

function useElapsed(since: Date | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!since) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [since]);
  return since ? Math.max(0, Math.floor((now - new Date(since).getTime()) / 1000)) : null;
}
