"use client";

import { Check, Download, RotateCcw, RotateCw, Send, X } from "lucide-react";
import { useEffect, useRef, useSyncExternalStore } from "react";
import { SelfView } from "~/components/self-view";
import { MESSAGE_LIMITS } from "@ringback/core/messages";
import { Avatar } from "@ringback/ui/avatar";
import { CallControls, ControlButton } from "@ringback/ui/call-controls";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@ringback/ui/dialog";
import { RecordButton, RecorderCountdown, RecorderLayout, RecorderNote, RecorderStage, RecorderTimer } from "@ringback/ui/recorder";
import { formatRecordingTime } from "./begin";
import type { RecorderSnapshot, VideoMessageRecorder } from "./video-recorder";

const LIMIT_TEXT = formatRecordingTime(MESSAGE_LIMITS.maxSeconds * 1000);

/**
 * The full-screen video message recorder: self-view, 3-2-1, recording with its clock, then the
 * take plays back with Retake, Save and Send. Closing (✕, Escape) discards an unsent take.
 */
export function VideoMessageDialog({
  recorder,
  recipient,
  onClose,
  onDone,
}: {
  recorder: VideoMessageRecorder;
  recipient: { id: string; displayName: string };
  /** closes the recorder and returns to the outcome screen */
  onClose: () => void;
  /** after "Message sent": leave the call screen */
  onDone: () => void;
}) {
  const snap = useSyncExternalStore(recorder.subscribe, recorder.getSnapshot, recorder.getSnapshot);
  const upload = snap.upload;
  const sendFailed = snap.phase === "sending" && upload?.phase === "failed";

  return (
    <Dialog open onOpenChange={(open) => (open ? undefined : onClose())}>
      {/* Escape or a stray click must not throw a take away: the ✕ button closes */}
      <DialogContent layout="fullscreen" dismissible={false} className="bg-black">
        <RecorderLayout
          top={
            <>
              <button
                type="button"
                aria-label="Close"
                title="Close"
                // once sent there is nothing to go back to: ✕ leaves like Done
                onClick={snap.phase === "sent" ? onDone : onClose}
                className="inline-flex size-11 shrink-0 items-center justify-center rounded-full bg-white/12 text-white transition-colors outline-none hover:bg-white/20 focus-visible:ring-[3px] focus-visible:ring-white/70"
              >
                <X className="size-5" aria-hidden="true" />
              </button>
              <div className="flex min-w-0 flex-1 items-center gap-2.5">
                <Avatar id={recipient.id} name={recipient.displayName} size="sm" className="hidden sm:inline-flex" />
                <div className="min-w-0 leading-tight">
                  <DialogTitle className="text-base font-semibold">Video message</DialogTitle>
                  <DialogDescription className="truncate text-sm text-white/65">
                    To {recipient.displayName}
                  </DialogDescription>
                </div>
              </div>
              {snap.phase === "countdown" || snap.phase === "recording" ? (
                <RecorderTimer text={formatRecordingTime(snap.elapsedMs)} limitText={LIMIT_TEXT} running={snap.phase === "recording"} />
              ) : snap.elapsedMs > 0 && snap.phase !== "failed" ? (
                <RecorderTimer text={formatRecordingTime(snap.elapsedMs)} running={false} label="Message length" />
              ) : null}
            </>
          }
          bottom={<Controls snap={snap} recorder={recorder} recipientName={recipient.displayName} sendFailed={sendFailed} onClose={onClose} onDone={onDone} />}
        >
          <RecorderStage dimmed={snap.phase === "countdown" || snap.phase === "sending" || snap.phase === "sent"}>
            {snap.previewUrl && (snap.phase === "preview" || snap.phase === "sending" || snap.phase === "sent") ? (
              <PreviewVideo url={snap.previewUrl} paused={snap.phase !== "preview"} />
            ) : snap.stream ? (
              <SelfView stream={snap.stream} label="Your camera" />
            ) : (
              <div className="flex flex-col items-center gap-3 text-white/70">
                <Avatar id={recipient.id} name={recipient.displayName} size="xl" className="size-24 text-3xl" />
              </div>
            )}
            {snap.phase === "countdown" ? <RecorderCountdown count={snap.count} /> : null}
            <div className="absolute inset-x-0 bottom-4 z-10 flex justify-center px-4">
              <StatusNote snap={snap} />
            </div>
          </RecorderStage>
        </RecorderLayout>
      </DialogContent>
    </Dialog>
  );
}

function Controls({
  snap,
  recorder,
  recipientName,
  sendFailed,
  onClose,
  onDone,
}: {
  snap: RecorderSnapshot;
  recorder: VideoMessageRecorder;
  recipientName: string;
  sendFailed: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const upload = snap.upload;
  switch (snap.phase) {
    case "opening":
      return <RecordButton recording={false} label="Record" disabled />;
    case "countdown":
      // during the 3-2-1 the big button takes it back: nothing is recorded, the camera stays on
      return <RecordButton recording={false} countdown label="Cancel" onClick={() => recorder.cancelCountdown()} />;
    case "ready":
      return <RecordButton recording={false} label="Record" onClick={() => recorder.record()} autoFocus />;
    case "recording":
      return <RecordButton recording label="Stop" onClick={() => recorder.stop()} />;
    case "preview":
      return (
        <CallControls label="Your take" className="bg-transparent shadow-none ring-0 backdrop-blur-none">
          <ControlButton label="Retake" icon={RotateCcw} size="lg" onClick={() => recorder.retake()} />
          <ControlButton label="Save" icon={Download} size="lg" onClick={() => recorder.save(`Video message to ${recipientName}`)} />
          <ControlButton label="Send" icon={Send} tone="accept" size="lg" onClick={() => void recorder.send()} />
        </CallControls>
      );
    case "sending":
      if (sendFailed && upload?.retryable) {
        return (
          <CallControls label="Sending" className="bg-transparent shadow-none ring-0 backdrop-blur-none">
            <ControlButton label="Retake" icon={RotateCcw} size="lg" onClick={() => recorder.retake()} />
            <ControlButton label="Try Again" icon={RotateCw} tone="accept" size="lg" onClick={() => recorder.retryUpload()} />
          </CallControls>
        );
      }
      if (sendFailed) {
        return (
          <CallControls label="Sending" className="bg-transparent shadow-none ring-0 backdrop-blur-none">
            <ControlButton label="Retake" icon={RotateCcw} size="lg" onClick={() => recorder.retake()} />
            <ControlButton label="Close" icon={X} size="lg" onClick={onClose} />
          </CallControls>
        );
      }
      // the same row as the preview's, so nothing moves while it goes out
      return (
        <CallControls label="Sending" className="bg-transparent shadow-none ring-0 backdrop-blur-none">
          <ControlButton label="Retake" icon={RotateCcw} size="lg" disabled />
          <ControlButton label="Save" icon={Download} size="lg" onClick={() => recorder.save(`Video message to ${recipientName}`)} />
          <ControlButton label="Send" icon={Send} tone="accept" size="lg" disabled />
        </CallControls>
      );
    case "sent":
      return (
        <CallControls label="Sent" className="bg-transparent shadow-none ring-0 backdrop-blur-none">
          <ControlButton label="Done" icon={Check} tone="accept" size="lg" onClick={onDone} autoFocus />
        </CallControls>
      );
    case "failed":
      return (
        <CallControls label="Video message" className="bg-transparent shadow-none ring-0 backdrop-blur-none">
          <ControlButton label="Close" icon={X} size="lg" onClick={onClose} />
        </CallControls>
      );
    default: {
      const _exhaustive: never = snap.phase;
      return _exhaustive;
    }
  }
}

/** What is happening, in words: shown over the stage and announced (role="status"). */
function StatusNote({ snap }: { snap: RecorderSnapshot }) {
  const upload = snap.upload;
  if (snap.phase === "failed") {
    return (
      <RecorderNote role="alert" tone="error">
        {snap.error}
      </RecorderNote>
    );
  }
  if (snap.phase === "sending" && upload?.phase === "failed") {
    return (
      <RecorderNote role="alert" tone="error">
        {upload.error}
      </RecorderNote>
    );
  }
  if (snap.phase === "sending") {
    return (
      <RecorderNote role="status">
        <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-white/30 border-t-white" />
        Sending…
      </RecorderNote>
    );
  }
  if (snap.phase === "sent") {
    return (
      <RecorderNote role="status" tone="success">
        <Check className="size-4" aria-hidden="true" />
        Message sent
      </RecorderNote>
    );
  }
  if (snap.phase === "ready") {
    return <RecorderNote role="status">Press Record when you’re ready</RecorderNote>;
  }
  if (snap.phase === "preview" && snap.hitLimit) {
    return <RecorderNote role="status">Messages can be up to {LIMIT_TEXT} long</RecorderNote>;
  }
  return null;
}


/**
 * The take, played back. MediaRecorder writes WebM without a duration, so the element first reports
 * Infinity and cannot seek: a seek far past the end makes the browser read the file to its end and
 * learn the real length, then playback starts from the beginning.
 */
function PreviewVideo({ url, paused }: { url: string; paused: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    let probing = false;
    const onMetadata = () => {
      if (Number.isFinite(video.duration)) {
        void video.play().catch(() => {});
        return;
      }
      probing = true;
      video.currentTime = Number.MAX_SAFE_INTEGER;
    };
    const onDuration = () => {
      if (!probing || !Number.isFinite(video.duration)) return;
      probing = false;
      video.currentTime = 0;
      void video.play().catch(() => {});
    };
    video.addEventListener("loadedmetadata", onMetadata);
    video.addEventListener("durationchange", onDuration);
    return () => {
      video.removeEventListener("loadedmetadata", onMetadata);
      video.removeEventListener("durationchange", onDuration);
    };
  }, [url]);
  useEffect(() => {
    if (paused) ref.current?.pause();
  }, [paused]);
  return <video ref={ref} aria-label="Preview" src={url} controls={!paused} playsInline preload="auto" />;
}
