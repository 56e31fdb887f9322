"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, useSyncExternalStore } from "react";
import { SelfView } from "~/components/self-view";
import { toast } from "~/components/toasts";
import { IncomingCall } from "@ringback/ui/incoming-call";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { useCallEvents } from "./call-events-provider";
import { CallShell } from "./call-shell";
import type { JoinGrant } from "./call-session";
import { loadCallSession } from "./load-call-session";
import { notifyRing } from "./notifications";
import { handOverRingMedia, prepareRingMedia, releaseRingMedia } from "./ring-media";
import { currentSession, subscribeSessions } from "./session-registry";
import { playTone } from "./tones";
import { kindLabel, newerCall, peopleNames, type CallKind, type CallView } from "./types";

/** Full-screen ring for the oldest call ringing for me; rings stop in every tab once it is handled anywhere. */
export function IncomingCallOverlay() {
  const { rings } = useCallEvents();
  const ring = rings[0];
  if (!ring) return null;
  return <Ringing key={ring.id} call={ring} />;
}

function Ringing({ call }: { call: CallView }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { dismissRing } = useCallEvents();
  const me = useQuery(trpc.me.get.queryOptions());
  const [pendingKind, setPendingKind] = useState<CallKind | null>(null);

  const caller = call.participants.find((p) => p.role === "caller");
  const callerName = caller?.displayName ?? "Someone";
  const others = call.participants.filter((p) => p.role === "callee" && p.userId !== me.data?.id);
  const label = kindLabel(call.kind);

  useEffect(() => {
    const tone = playTone("ringtone");
    const closeNotification = notifyRing({ callId: call.id, title: `${callerName} is calling`, body: label });
    return () => {
      tone.stop();
      closeNotification();
    };
  }, [call.id, callerName, label]);

  // While it rings: the person's own camera (and microphone) opened, shown as a preview and handed to
  // the call on Accept, so answering waits for no device (ring-media.ts). Stopped when the ring ends
  // any other way, never published before Accept.
  const [preview, setPreview] = useState<MediaStream | null>(null);
  useEffect(() => {
    let live = true;
    void prepareRingMedia(call.id, call.kind).then((stream) => {
      if (live) setPreview(stream);
    });
    return () => {
      live = false;
      releaseRingMedia(call.id);
    };
  }, [call.id, call.kind]);

  const answer = useMutation(
    trpc.calls.answer.mutationOptions({
      onSuccess: (answered, input) => {
        // the grant is this person's alone: it stays out of the query cache
        const { join, ...view } = "join" in answered ? answered : { ...answered, join: null };
        queryClient.setQueryData(trpc.calls.get.queryKey({ callId: view.id }), (prev: CallView | undefined) => newerCall(prev, view));
        // Connect now, not once the call page has rendered (the page finds this session running),
        // with the LiveKit grant that came with the answer; a rejoin (or an answer without one)
        // asks calls.join for a fresh one.
        let first: Promise<JoinGrant> | null = join ? Promise.resolve(join) : null;
        const grant = () => {
          const next = first ?? client.calls.join.mutate({ callId: view.id });
          first = null;
          return next;
        };
        void loadCallSession()
          .then(({ startSession }) => startSession(view.id, input.kind, grant, () => client.calls.leave.mutate({ callId: view.id })))
          .catch(() => {}); // the call page tries again and says what went wrong
        router.push(`/call/${view.id}?media=${input.kind}`);
        dismissRing(view.id);
      },
      onError: (error) => {
        releaseRingMedia(call.id, { evenHandedOver: true });
        setPendingKind(null);
        dismissRing(call.id);
        toast.error(errorMessage(error, "Couldn’t answer the call."));
      },
    }),
  );
  const decline = useMutation(
    trpc.calls.decline.mutationOptions({
      onSettled: () => dismissRing(call.id),
      onError: (error) => toast.error(errorMessage(error, "Couldn’t decline the call.")),
    }),
  );

  const inAnotherCall = useSyncExternalStore(
    subscribeSessions,
    () => {
      const live = currentSession();
      return Boolean(live && !live.isEnded && live.callId !== call.id);
    },
    () => false,
  );

  const accept = (kind: CallKind) => {
    setPendingKind(kind);
    handOverRingMedia(call.id);
    answer.mutate({ callId: call.id, kind, join: true });
  };

  // Accepted: the call screen at once (it fetches the call code while the answer is on its way).
  if (pendingKind !== null) {
    return <CallShell people={[{ userId: caller?.userId ?? call.id, displayName: callerName }]} status="Connecting…" endLabel="End call" ending prefetch />;
  }

  return (
    <IncomingCall
      preview={preview && call.kind === "video" ? <SelfView stream={preview} className="size-full object-cover" /> : undefined}
      callerId={caller?.userId ?? call.id}
      callerName={callerName}
      kind={call.kind}
      kindLabel={label}
      withOthers={others.length > 0 ? `with ${peopleNames(others)}` : undefined}
      busy={inAnotherCall}
      pending={decline.isPending}
      onAcceptVideo={() => accept("video")}
      onAcceptAudio={() => accept("audio")}
      onDecline={() => decline.mutate({ callId: call.id })}
    />
  );
}
