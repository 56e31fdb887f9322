"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleDot, Phone, Video, Voicemail, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Avatar } from "@ringback/ui/avatar";
import { CallControls, ControlButton } from "@ringback/ui/call-controls";
import { cn } from "@ringback/ui/cn";
import { whenCallConnected } from "~/messages/record/call-handover";
import { useMessageApi } from "~/messages/record/use-message-api";
import { VideoMessageDialog } from "~/messages/record/video-message-dialog";
import { VideoMessageRecorder } from "~/messages/record/video-recorder";
import { VoicemailDialog } from "~/messages/record/voicemail-dialog";
import { VoicemailSession } from "~/messages/record/voicemail-session";
import { useTRPC } from "~/trpc/react";
import { useRealtimeEvent } from "./realtime-listeners";
import { useToastClearance } from "./toast-clearance";
import { kindLabel, participantOutcomeLabel, peopleNames, type CallView } from "./types";

// The buttons wait this long at most for messages.offer before showing without a message option.
const OFFER_WAIT_MS = 2500;
// The message button stands out from Close: white, with a red record mark.
const MESSAGE_BUTTON = "bg-white text-neutral-900 hover:bg-white/90 [&_svg]:text-red-500";

/**
 * What the caller sees when nobody picked up: Declined / No answer / Unavailable, then Call Again or
 * Close, and Record Video / Leave Voicemail when the API offers it. Whatever the reason there is no
 * offer (a block, a stranger, a callee who takes no messages), the screen is the same.
 */
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
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const callees = call.participants.filter((p) => p.userId !== myId && p.role === "callee");
  const only = callees.length === 1 ? callees[0] : undefined;
  const controlsRef = useRef<HTMLDivElement>(null);
  useToastClearance(controlsRef);
  const headline = only ? (participantOutcomeLabel(only.outcome) ?? "Call ended") : groupHeadline(call);

  const offer = useQuery({ ...trpc.messages.offer.queryOptions({ callId: call.id }), retry: 1, staleTime: 60_000 });
  const [waitedLongEnough, setWaitedLongEnough] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setWaitedLongEnough(true), OFFER_WAIT_MS);
    return () => window.clearTimeout(timer);
  }, []);
  // The row appears once, complete: no button pops in beside the others a moment later.
  const controlsReady = !offer.isPending || waitedLongEnough;
  // One message per call: once one went out the button is not offered again (the API would refuse it).
  const [messageSent, setMessageSent] = useState(false);
  const offered = messageSent ? null : (offer.data?.kind ?? null);

  const api = useMessageApi(call.id);
  const [recorder, setRecorder] = useState<VideoMessageRecorder | null>(null);
  const [voicemail, setVoicemail] = useState<VoicemailSession | null>(null);
  // Leaving the screen any other way (navigation, a new call) discards an unsent message.
  const live = useRef<{ recorder: VideoMessageRecorder | null; voicemail: VoicemailSession | null }>({ recorder: null, voicemail: null });
  live.current = { recorder, voicemail };
  useEffect(
    () => () => {
      live.current.recorder?.close();
      void live.current.voicemail?.cancel();
    },
    [],
  );

  // Sent (by either recorder): no second take, and the offer is asked again for anyone reading it.
  useEffect(() => {
    const session = recorder ?? voicemail;
    if (!session) return;
    const check = () => {
      if (session.getSnapshot().phase !== "sent") return;
      setMessageSent(true);
      void queryClient.invalidateQueries({ queryKey: trpc.messages.offer.queryKey({ callId: call.id }) });
    };
    check();
    return session.subscribe(check);
  }, [recorder, voicemail, queryClient, trpc, call.id]);

  const startVideoMessage = () => {
    const next = new VideoMessageRecorder({ api });
    setRecorder(next);
    void next.open();
  };
  const closeVideoMessage = () => {
    recorder?.close();
    setRecorder(null);
  };
  const startVoicemail = () => {
    const next = new VoicemailSession(api);
    setVoicemail(next);
    void next.start();
  };
  const closeVoicemail = () => {
    void voicemail?.cancel();
    setVoicemail(null);
  };

  // The callee picked up the voicemail: it is a call now, in the same room. The call screen opens
  // at once with the call already in its cache (no ring, no loading), joins the room, and only then
  // does the voicemail's connection leave, so the callee never stops hearing the caller.
  useRealtimeEvent("voicemail-picked-up", (event) => {
    const session = live.current.voicemail;
    if (!session || session.messageId !== event.payload.messageId) return;
    const next = event.payload.call;
    void session.pickedUp(whenCallConnected(next.id));
    queryClient.setQueryData(trpc.calls.get.queryKey({ callId: next.id }), next);
    router.replace(`/call/${next.id}?media=audio`);
  });

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
      {/* the toolbar's height is kept while it waits, so nothing below or above moves */}
      <div ref={controlsRef} className={cn("min-h-[6.75rem] transition-opacity duration-200", controlsReady ? "opacity-100" : "opacity-0")}>
        {controlsReady ? (
          <CallControls label="After the call" className="bg-transparent shadow-none ring-0 backdrop-blur-none">
            <ControlButton label="Close" icon={X} size="lg" onClick={onClose} />
            {offered === "video" ? (
              <ControlButton label="Record Video" icon={CircleDot} size="lg" className={MESSAGE_BUTTON} onClick={startVideoMessage} />
            ) : null}
            {offered === "voicemail" ? (
              <ControlButton label="Leave Voicemail" caption="Voicemail" icon={Voicemail} size="lg" className={MESSAGE_BUTTON} onClick={startVoicemail} />
            ) : null}
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
        ) : null}
      </div>
      {recorder && only ? (
        <VideoMessageDialog
          recorder={recorder}
          recipient={{ id: only.userId, displayName: only.displayName }}
          onClose={closeVideoMessage}
          onDone={() => router.replace("/calls")}
        />
      ) : null}
      {voicemail && only ? (
        <VoicemailDialog
          session={voicemail}
          recipient={{ id: only.userId, displayName: only.displayName }}
          onClose={closeVoicemail}
          onDone={() => router.replace("/calls")}
        />
      ) : null}
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
