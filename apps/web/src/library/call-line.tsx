"use client";

import { useQuery } from "@tanstack/react-query";
import { Phone, Video } from "lucide-react";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";

/** "From your video call with Ana and Bo · 26 Nov, 15:30": which call an item came from, if I can still see it. */
export function CallLine({ callId }: { callId: string | null }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const call = useQuery({ ...trpc.calls.get.queryOptions({ callId: callId ?? "" }), enabled: callId !== null, retry: false });
  if (!callId || !call.data || !me.data) return null;
  const others = call.data.participants.filter((p) => p.userId !== me.data.id);
  const first = others[0];
  const names = others.map((p) => p.displayName);
  const list = names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1) ?? ""}`;
  const started = new Date(call.data.createdAt);
  const Icon = call.data.kind === "video" ? Video : Phone;
  return (
    <p className="mt-0.5 flex min-w-0 items-center gap-1.5 text-sm text-muted-foreground">
      <Icon className="size-3.5 shrink-0" aria-hidden="true" />
      <span className="min-w-0 truncate">
        From your {call.data.kind} call{list ? " with " : ""}
        {first ? (
          <Link href={`/calls/person/${first.userId}`} className="rounded text-foreground/80 hover:underline focus-visible:ring-2 focus-visible:ring-ring/50 focus-visible:outline-none">
            {list}
          </Link>
        ) : null}
        {" · "}
        <time dateTime={started.toISOString()}>{started.toLocaleString(undefined, { day: "numeric", month: "short", hour: "numeric", minute: "2-digit" })}</time>
      </span>
    </p>
  );
}
