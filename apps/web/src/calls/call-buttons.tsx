"use client";

import { Phone, Video } from "lucide-react";
import { Button } from "@ringback/ui/button";
import { useStartCall } from "./use-start-call";

export const OFFLINE_REASON = "You’re offline: calling needs a connection";

/** Audio and video call buttons for one person (contacts, search results, history). */
export function CallButtons({ userId, displayName }: { userId: string; displayName: string }) {
  const { start, isPending, offline } = useStartCall();
  return (
    <>
      <Button
        variant="ghost"
        size="icon-sm"
        aria-label={`Audio call ${displayName}`}
        title={offline ? OFFLINE_REASON : "Audio call"}
        className="text-primary"
        disabled={isPending || offline}
        onClick={() => start([userId], "audio")}
      >
        <Phone aria-hidden="true" />
      </Button>
      <Button
        variant="ghost"
        size="icon-sm"
        aria-label={`Video call ${displayName}`}
        title={offline ? OFFLINE_REASON : "Video call"}
        className="text-primary"
        disabled={isPending || offline}
        onClick={() => start([userId], "video")}
      >
        <Video aria-hidden="true" />
      </Button>
    </>
  );
}
