"use client";

import Link from "next/link";
import { useId } from "react";
import { formatMessageDuration, type MessageKind } from "@ringback/core/messages";
import { cn } from "@ringback/ui/cn";
import { MessageThumbnail } from "@ringback/ui/message-thumbnail";
import { messageLinkLabel } from "./labels";

export type MessageLinkProps = {
  message: { id: string; kind: MessageKind; durationMs: number | null; posterUrl: string | null; waveform: number[] | null };
  /** received and not watched yet */
  unseen: boolean;
  /** one I left myself: named "Your video message, 0:05" */
  sent?: boolean;
  size?: "row" | "tile";
  className?: string;
};

/**
 * A message's thumbnail as a link to its page, named "Video message, 0:05" / "Voicemail, 0:12"
 * (the unwatched dot is told as its description, so the name stays the same either way).
 */
export function MessageLink({ message, unseen, sent = false, size = "row", className }: MessageLinkProps) {
  const noteId = useId();
  return (
    <Link
      href={`/messages/${message.id}`}
      aria-label={messageLinkLabel(message.kind, message.durationMs, sent)}
      aria-describedby={unseen ? noteId : undefined}
      className={cn(
        "group inline-flex rounded-xl outline-none focus-visible:ring-[3px] focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background [&>span]:transition-transform hover:[&>span]:scale-[1.02]",
        size === "tile" && "w-full",
        className,
      )}
    >
      <MessageThumbnail kind={message.kind} posterUrl={message.posterUrl} waveform={message.waveform} duration={formatMessageDuration(message.durationMs)} unseen={unseen} size={size} />
      {unseen ? (
        <span id={noteId} className="sr-only">
          {message.kind === "video" ? "Not watched yet" : "Not listened to yet"}
        </span>
      ) : null}
    </Link>
  );
}
