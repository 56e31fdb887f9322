"use client";

import { Phone, Video } from "lucide-react";
import { Button } from "@ringback/ui/button";
import { useStartCall } from "./use-start-call";

/** Audio and video call buttons for one person (contacts, search results, history). */
export function CallButtons({ userId, displayName }: { userId: string; displayName: string }) {
  const { start, isPending } = useStartCall();
  return (
    <>
      <Button
        variant="ghost"
        size="icon-sm"
        aria-label={`Audio call ${displayName}`}
        title="Audio call"
        className="text-primary"
        disabled={isPending}
        onClick={() => start([userId], "audio")}
      >
        <Phone aria-hidden="true" />
      </Button>
      <Button
        variant="ghost"
        size="icon-sm"
        aria-label={`Video call ${displayName}`}
        title="Video call"
        className="text-primary"
        disabled={isPending}
        onClick={() => start([userId], "video")}
      >
        <Video aria-hidden="true" />
      </Button>
    </>
  );
}
