"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, useSyncExternalStore } from "react";
import { toast } from "~/components/toasts";
import { IncomingCall } from "@ringback/ui/incoming-call";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";
import { useCallEvents } from "./call-events-provider";
import { currentSession, subscribeSessions } from "./call-session";
import { notifyRing } from "./notifications";
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

  const answer = useMutation(
    trpc.calls.answer.mutationOptions({
      onSuccess: (view, input) => {
        queryClient.setQueryData(trpc.calls.get.queryKey({ callId: view.id }), (prev: CallView | undefined) => newerCall(prev, view));
        dismissRing(view.id);
        router.push(`/call/${view.id}?media=${input.kind}`);
      },
      onError: (error) => {
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
    answer.mutate({ callId: call.id, kind });
  };

  return (
    <IncomingCall
      callerId={caller?.userId ?? call.id}
      callerName={callerName}
      kind={call.kind}
      kindLabel={label}
      withOthers={others.length > 0 ? `with ${peopleNames(others)}` : undefined}
      busy={inAnotherCall}
      pending={pendingKind !== null || decline.isPending}
      onAcceptVideo={() => accept("video")}
      onAcceptAudio={() => accept("audio")}
      onDecline={() => decline.mutate({ callId: call.id })}
    />
  );
}
