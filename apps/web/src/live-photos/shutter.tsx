"use client";

import { useRemoteParticipants, useTracks, type TrackReferenceOrPlaceholder } from "@livekit/components-react";
import { useQuery } from "@tanstack/react-query";
import { RemoteTrackPublication, Track, VideoQuality } from "livekit-client";
import { Aperture } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { createPortal } from "react-dom";
import { toast } from "~/components/toasts";
import { ControlButton } from "@ringback/ui/call-controls";
import { cn } from "@ringback/ui/cn";
import { useRealtimeEvent } from "~/calls/realtime-listeners";
import type { CallView } from "~/calls/types";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { livePhotoCamera } from "./live-photo-camera";
import { uploadLivePhoto } from "./upload";
import { shutterState } from "./shutter-state";

const MIC = [{ source: Track.Source.Microphone, withPlaceholder: false }];

/**
 * The Live Photo shutter in the call toolbar. `subject` is the remote camera it would capture (the
 * only other person in a one-to-one call, the focused tile in a group call), or null. It is enabled
 * only when the API says both people allow it; otherwise it stays focusable, aria-disabled, with
 * the reason as its description (shown on hover, focus and press). While it is enabled the tab
 * buffers the subject's last seconds, so the clip can start before the press.
 */
export function LivePhotoShutter({ call, subject }: { call: CallView; myId: string; subject: TrackReferenceOrPlaceholder | null }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const camera = livePhotoCamera();
  const snapshot = useSyncExternalStore(camera.subscribe, camera.getSnapshot, () => ({ ready: false, busy: false }));
  const flashRef = useRef<HTMLDivElement>(null);
  const [portalReady, setPortalReady] = useState(false);
  useEffect(() => setPortalReady(true), []);

  // a Live Photo is of a person's camera: a focused screen share is not a subject
  const subjectId = subject && subject.source === Track.Source.Camera ? subject.participant.identity : null;
  const subjectName = subject?.participant.name || call.participants.find((p) => p.userId === subjectId)?.displayName || "This person";
  const availability = useQuery(
    trpc.livePhotos.availability.queryOptions(
      { callId: call.id },
      {
        // the server learns who is connected from LiveKit a moment after the browser does: ask again
        // soon while the subject is not listed yet, and now and then anyway (settings change elsewhere)
        refetchInterval: (query) => (subjectId && !query.state.data?.subjects.some((s) => s.userId === subjectId) ? 2_000 : 15_000),
      },
    ),
  );
  const { refetch } = availability;
  useRealtimeEvent("capture-consent-changed", ({ payload }) => {
    if (payload.callId === call.id) void refetch();
  });
  useRealtimeEvent("call-updated", ({ payload }) => {
    if (payload.call.id === call.id) void refetch();
  });
  const remoteIds = useRemoteParticipants()
    .map((p) => p.identity)
    .sort()
    .join(",");
  useEffect(() => {
    void refetch();
  }, [remoteIds, refetch]);

  const videoTrack = subject?.publication?.track?.mediaStreamTrack ?? null;
  const mics = useTracks(MIC, { onlySubscribed: true });
  const audioTrack = mics.find((m) => m.participant.identity === subjectId)?.publication?.track?.mediaStreamTrack ?? null;

  const state = shutterState({
    subjectId,
    subjectName,
    availability: availability.data ?? null,
    loading: availability.isPending,
    hasVideo: videoTrack !== null && !subject?.publication?.isMuted,
  });

  // Buffer only while a press would be allowed, and only the current subject.
  const publication = subject?.publication;
  useEffect(() => {
    if (!state.allowed || !videoTrack) {
      camera.aim(null);
      return;
    }
    camera.aim({ video: videoTrack, audio: audioTrack });
    // the best picture LiveKit has of them while a photo may be taken
    if (publication instanceof RemoteTrackPublication) publication.setVideoQuality(VideoQuality.HIGH);
  }, [state.allowed, videoTrack, audioTrack, publication, camera]);
  useEffect(() => () => camera.aim(null), [camera]);

  async function press() {
    // (an unavailable shutter shows its reason instead of calling this)
    if (!state.allowed || !subjectId) return;
    if (snapshot.busy) return;
    let taking: ReturnType<typeof camera.take>;
    try {
      taking = camera.take(null);
    } catch (error) {
      toast.error(errorMessage(error, "The Live Photo couldn’t be taken."));
      return;
    }
    flash(flashRef.current);
    try {
      // the subject is told now, at the press
      const [{ uploadUrl }, taken] = await Promise.all([client.livePhotos.capture.mutate({ callId: call.id, subjectId }), taking]);
      const item = await uploadLivePhoto(uploadUrl, taken);
      toast.success("Live Photo saved to your Library", {
        id: `live-photo-${item.id}`,
        duration: 8_000,
        action: (
          <Link
            href={`/library/${item.id}`}
            onClick={() => toast.dismiss(`live-photo-${item.id}`)}
            className="ml-auto shrink-0 rounded-full bg-primary px-3 py-1 text-[13px] font-medium text-primary-foreground outline-none hover:bg-primary/90 focus-visible:ring-[3px] focus-visible:ring-ring/50"
          >
            View
          </Link>
        ),
      });
    } catch (error) {
      // a refused press still finishes its clip in the background; it is simply dropped
      taking.catch(() => {});
      toast.error(errorMessage(error, "The Live Photo wasn’t saved."));
      void refetch();
    }
  }

  return (
    <>
      <ControlButton
        label="Take Live Photo"
        caption="Photo"
        icon={Aperture}
        unavailableReason={state.allowed ? null : (state.reason ?? "Live Photos aren't available right now")}
        aria-busy={snapshot.busy || undefined}
        className={cn(snapshot.busy && "ring-2 ring-yellow-300")}
        onClick={() => void press()}
      />
      {/* the shutter's flash: a quick white veil over the call, no sound (on body: the toolbar's blur would confine it) */}
      {portalReady ? createPortal(<div ref={flashRef} aria-hidden="true" className="pointer-events-none fixed inset-0 z-[70] bg-white opacity-0" />, document.body) : null}
    </>
  );
}

function flash(element: HTMLDivElement | null) {
  if (!element) return;
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  element.animate(reduced ? [{ opacity: 0.25 }, { opacity: 0 }] : [{ opacity: 0.85 }, { opacity: 0 }], { duration: reduced ? 200 : 450, easing: "ease-out" });
}
