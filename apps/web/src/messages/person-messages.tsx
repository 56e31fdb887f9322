"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import type { MessageKind, MessageView } from "@ringback/core/messages";
import { formatCallTime } from "~/calls/types";
import { useTRPC } from "~/trpc/react";
import { MessageLink } from "./message-link";

const SHOWN = 24;

/** A person's page: their video messages and voicemails (to and from me) as grids of thumbnails. */
export function PersonMessages({ userId }: { userId: string }) {
  return (
    <>
      <MessageGrid userId={userId} kind="video" title="Videos" />
      <MessageGrid userId={userId} kind="voicemail" title="Voicemails" />
    </>
  );
}

function MessageGrid({ userId, kind, title }: { userId: string; kind: MessageKind; title: string }) {
  const trpc = useTRPC();
  const headingId = useId();
  const list = useQuery({ ...trpc.messages.list.queryOptions({ withUserId: userId, kind, limit: SHOWN }), staleTime: 0 });
  // Nothing of this kind (or not loaded yet): no empty section; the call history below says enough.
  const messages: MessageView[] = (list.data ?? []).filter((m) => m.status === "ready");
  if (messages.length === 0) return null;

  return (
    <section aria-labelledby={headingId} className="mb-6">
      <h2 id={headingId} className="mb-2 px-1 text-sm font-semibold text-muted-foreground">
        {title}
      </h2>
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {messages.map((m) => (
          <li key={m.id} className="flex min-w-0 flex-col gap-1">
            <MessageLink message={m} unseen={m.direction === "received" && !m.seen} sent={m.direction === "sent"} size="tile" />
            <p className="truncate px-0.5 text-xs text-muted-foreground">
              <time dateTime={new Date(m.createdAt).toISOString()}>{formatCallTime(new Date(m.createdAt))}</time>
              {m.direction === "sent" ? " · Sent" : null}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
