"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Loader2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Suspense, lazy, useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "@ringback/ui/button";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import type { CallMedia } from "./call-session";
import { CallShell } from "./call-shell";
import { loadCallSession } from "./load-call-session";
import { currentSession, endSession } from "./session-registry";
import { useStartCall } from "./use-start-call";
import { useCallSessionFor, useSessionSnapshot } from "./use-call-session";
import { isFinal, kindLabel, otherPeople } from "./types";

// The call code comes in chunks of its own, after the screen shows (CallShell until then): the live
// call (livekit-client, the stage, recording and Live Photos) and the no-answer screen (messages).
const loadLiveCall = () => import("./call-live");
const LiveCall = lazy(() => loadLiveCall().then((m) => ({ default: m.LiveCall })));
const CallOutcome = lazy(() => import("./call-outcome").then((m) => ({ default: m.CallOutcome })));

// How many CallScreens show each call; leaving the page (not a re-mount) hangs up.
const mountedScreens = new Map<string, number>();

/** The /call/[callId] page: ringing, the call itself, or what happened when nobody picked up. */
export function CallScreen({ callId, media }: { callId: string; media: CallMedia | null }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const router = useRouter();
  const me = useQuery(trpc.me.get.queryOptions());
  const callQuery = useQuery({
    ...trpc.calls.get.queryOptions({ callId }),
    // Events keep this fresh; the slow poll only covers a dropped event stream.
    refetchInterval: (query) => (query.state.data && isFinal(query.state.data) ? false : 10_000),
  });
  const call = callQuery.data;
  const session = useCallSessionFor(callId);
  const snapshot = useSessionSnapshot(session);
  const [hangingUp, setHangingUp] = useState(false);
  const leavingRef = useRef(false);
  const leave = useMutation(trpc.calls.leave.mutationOptions());
  const callAgain = useStartCall({ replace: true });

  const canJoin = Boolean(call && !isFinal(call) && (call.direction === "outgoing" || call.myRing === "answered"));
  const chosenMedia: CallMedia = media ?? call?.kind ?? "video";

  useEffect(() => {
    if (!canJoin) return;
    joinCall(client, callId, chosenMedia);
  }, [canJoin, callId, chosenMedia, client]);

  // Fetch the stage while the session connects (both need livekit-client: one download).
  useEffect(() => {
    if (canJoin) void loadLiveCall().catch(() => {});
  }, [canJoin]);

  // Leaving the page hangs up; a quick unmount/mount (Strict Mode, same route) does not.
  useEffect(() => {
    mountedScreens.set(callId, (mountedScreens.get(callId) ?? 0) + 1);
    return () => {
      mountedScreens.set(callId, (mountedScreens.get(callId) ?? 1) - 1);
      window.setTimeout(() => {
        if ((mountedScreens.get(callId) ?? 0) > 0) return;
        const live = currentSession();
        if (live && live.callId === callId && !live.isEnded) {
          void client.calls.leave.mutate({ callId }).catch(() => {});
          void endSession(callId);
        }
      }, 300);
    };
  }, [callId, client]);

  const showOutcome = Boolean(call && isFinal(call) && call.direction === "outgoing" && call.answeredAt === null && call.status !== "cancelled");

  // The call ended (remotely, timed out, answered elsewhere): drop the media and go back to the list.
  useEffect(() => {
    if (!call || !isFinal(call)) return;
    void endSession(callId);
    // Accepted another call while this one was on screen: that call's page is on its way, and this
    // page must not send the person to the list instead (its end arrives during the navigation).
    const live = currentSession();
    if (live && live.callId !== callId) return;
    if (!showOutcome && !leavingRef.current) router.replace("/calls");
  }, [call, callId, showOutcome, router]);

  const hangUp = async () => {
    leavingRef.current = true;
    setHangingUp(true);
    try {
      await leave.mutateAsync({ callId });
    } catch {
      // Already over or unreachable: LiveKit's webhook records the departure either way.
    }
    await endSession(callId);
    router.replace("/calls");
  };

  if (callQuery.isError) {
    return (
      <FullScreenMessage title="This call isn’t available" detail={errorMessage(callQuery.error, "It may have ended.")}>
        <Button asChild variant="secondary">
          <Link href="/calls">Back to Calls</Link>
        </Button>
      </FullScreenMessage>
    );
  }
  if (!call || !me.data) return <FullScreenMessage title="Connecting…" spinner />;

  if (showOutcome) {
    const callees = call.participants.filter((p) => p.role === "callee").map((p) => p.userId);
    return (
      <Suspense fallback={<FullScreenMessage title="Call ended" spinner />}>
        <CallOutcome
          call={call}
          myId={me.data.id}
          pending={callAgain.isPending}
          onClose={() => router.replace("/calls")}
          onCallAgain={() => callAgain.start(callees, call.kind)}
        />
      </Suspense>
    );
  }
  if (isFinal(call)) return <FullScreenMessage title="Call ended" />;
  if (!canJoin) return <FullScreenMessage title="Incoming call…" spinner />;

  const outgoingRinging = call.status === "ringing" && call.direction === "outgoing";
  const shell = (
    <CallShell
      people={otherPeople(call, me.data.id).filter((p) => p.role === "callee" || call.direction === "incoming")}
      status={outgoingRinging ? `${kindLabel(call.kind)} · Calling…` : "Connecting…"}
      endLabel={outgoingRinging ? "Cancel call" : "End call"}
      onEnd={() => void hangUp()}
      ending={hangingUp}
    />
  );
  if (!session || !snapshot) return shell;

  if (snapshot.phase === "failed") {
    return (
      <FullScreenMessage title="The call dropped" detail={snapshot.error ?? undefined}>
        <div className="flex gap-3">
          <Button variant="secondary" onClick={() => void hangUp()}>
            Leave
          </Button>
          <Button
            onClick={() => {
              void endSession(callId).then(() => joinCall(client, callId, chosenMedia));
            }}
          >
            Rejoin
          </Button>
        </div>
      </FullScreenMessage>
    );
  }

  return (
    <Suspense fallback={shell}>
      <LiveCall call={call} myId={me.data.id} session={session} snapshot={snapshot} onHangUp={() => void hangUp()} hangingUp={hangingUp} />
    </Suspense>
  );
}

/** This tab's session of the call; it can leave the call itself when another call replaces it. */
function joinCall(client: ReturnType<typeof useTRPCClient>, callId: string, media: CallMedia): void {
  void loadCallSession()
    .then(({ startSession }) => startSession(callId, media, () => client.calls.join.mutate({ callId }), () => client.calls.leave.mutate({ callId })))
    .catch(() => {
      // the call code did not arrive (offline): the page stays on "Connecting…" until the call ends
    });
}

function FullScreenMessage({ title, detail, spinner, children }: { title: string; detail?: string; spinner?: boolean; children?: ReactNode }) {
  return (
    <div className="fixed inset-0 z-50 flex flex-col items-center justify-center gap-4 bg-gradient-to-b from-neutral-800 to-black px-6 text-center text-white">
      {spinner ? <Loader2 className="size-8 animate-spin text-white/70" aria-hidden="true" /> : null}
      <h1 role="status" className="text-2xl font-semibold">
        {title}
      </h1>
      {detail ? <p className="max-w-sm text-white/70">{detail}</p> : null}
      {children}
    </div>
  );
}
