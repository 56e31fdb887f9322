"use client";

import {
  isTrackReference,
  useConnectionQualityIndicator,
  useIsMuted,
  useIsSpeaking,
  VideoTrack,
  type TrackReferenceOrPlaceholder,
} from "@livekit/components-react";
import { Track } from "livekit-client";
import { VideoTile, type VideoTileProps } from "@ringback/ui/video-tile";

/** A LiveKit participant (camera or screen) drawn as a VideoTile, with mute, speaking and quality state. */
export function ParticipantTile({
  trackRef,
  variant,
  onSelect,
  selectLabel,
  className,
}: {
  trackRef: TrackReferenceOrPlaceholder;
  variant: VideoTileProps["variant"];
  onSelect?: () => void;
  selectLabel?: string;
  className?: string;
}) {
  const { participant, source } = trackRef;
  const isLocal = participant.isLocal;
  const name = isLocal ? "You" : participant.name || "Someone";
  const micMuted = useIsMuted({ participant, source: Track.Source.Microphone, publication: participant.getTrackPublication(Track.Source.Microphone) });
  const videoMuted = useIsMuted(trackRef);
  const speaking = useIsSpeaking(participant);
  const { quality } = useConnectionQualityIndicator({ participant });
  const isScreen = source === Track.Source.ScreenShare;
  const showVideo = isTrackReference(trackRef) && !videoMuted && (isLocal || trackRef.publication.isSubscribed);

  return (
    <VideoTile
      name={isScreen ? `${name} (screen)` : name}
      avatarName={participant.name || name}
      avatarId={participant.identity}
      variant={variant}
      muted={!isScreen && micMuted}
      speaking={!isScreen && speaking}
      quality={isLocal ? undefined : quality}
      onSelect={onSelect}
      selectLabel={selectLabel}
      className={className}
      video={
        showVideo ? (
          <VideoTrack
            trackRef={trackRef}
            aria-label={isLocal ? (isScreen ? "Your shared screen" : "Your camera") : isScreen ? `Screen from ${name}` : `Video from ${name}`}
            data-remote-video={isLocal ? undefined : participant.identity}
            muted
            playsInline
            // The self view is mirrored like a mirror; everyone else sees you the right way round.
            className={isLocal && !isScreen ? "-scale-x-100" : isScreen ? "!object-contain bg-black" : undefined}
          />
        ) : undefined
      }
    />
  );
}
