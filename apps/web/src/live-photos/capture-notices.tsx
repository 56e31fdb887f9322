"use client";

import { Aperture } from "lucide-react";
import { toast } from "~/components/toasts";
import { notifyMessage } from "~/calls/notifications";
import { useRealtimeEvent } from "~/calls/realtime-listeners";

/** The words the subject of a Live Photo sees, in the page and in a notification. */
export function livePhotoTakenText(takerName: string): string {
  return `${takerName} took a Live Photo`;
}

/**
 * Tells the subject of a Live Photo, the moment the shutter is pressed: a toast on whatever page
 * they are on (the call screen included) and a browser notification when the tab is in the
 * background. Nobody is photographed without knowing.
 */
export function CaptureNotices() {
  useRealtimeEvent("live-photo-taken", ({ payload }) => {
    const title = livePhotoTakenText(payload.by.displayName);
    const tag = `live-photo-${payload.callId}-${payload.takenAt.getTime()}`;
    // as long as the other capture notices (recording started/stopped, Live Photo saved), with the shutter's icon
    toast(title, { id: tag, duration: 8_000, icon: <Aperture className="size-4" aria-hidden="true" /> });
    notifyMessage({ tag, title, body: "During your call." });
  });
  return null;
}
