"use client";

import { useQuery } from "@tanstack/react-query";
import { Phone, Video } from "lucide-react";
import Link from "next/link";
import { Fragment } from "react";
import type { CallView } from "@ringback/core/call-views";
import type { LibraryItemView } from "@ringback/core/library";
import { useTRPC } from "~/trpc/react";

// underlined: inside a sentence, colour alone would not tell a link from the words around it
const linkClass = "rounded text-foreground/80 underline decoration-foreground/30 underline-offset-2 hover:decoration-current focus-visible:ring-2 focus-visible:ring-ring/50 focus-visible:outline-none";

/**
 * Which call an item came from, if I can still see it: "From your video call with Ana and Bo · 3:30 PM"
 * for a capture (each name links to that person's calls). A saved message was left after a call
 * nobody answered, so it says so: "After a missed video call from Ana", "After an unanswered video
 * call to Ana". It wraps on a phone rather than cutting off the time. The heading above already gives
 * the day, so a call on that same day gives only its time.
 */
export function CallLine({ item }: { item: Pick<LibraryItemView, "callId" | "kind" | "messageDirection" | "capturedAt"> }) {
  const trpc = useTRPC();
  const { callId } = item;
  const me = useQuery(trpc.me.get.queryOptions());
  const call = useQuery({ ...trpc.calls.get.queryOptions({ callId: callId ?? "" }), enabled: callId !== null, retry: false });
  if (!callId || !call.data || !me.data) return null;
  const others = call.data.participants.filter((p) => p.userId !== me.data.id);
  const started = new Date(call.data.createdAt);
  const Icon = call.data.kind === "video" ? Video : Phone;
  return (
    <p className="mt-0.5 flex min-w-0 items-start gap-1.5 text-sm text-muted-foreground">
      <Icon className="mt-[3px] size-3.5 shrink-0" aria-hidden="true" />
      <span className="min-w-0 break-words">
        {item.kind === "saved-message" ? <MessageCall call={call.data} sent={item.messageDirection === "sent"} others={others} /> : <CaptureCall kind={call.data.kind} others={others} />}
        {" · "}
        <time dateTime={started.toISOString()} className="whitespace-nowrap">
          {sameDay(started, new Date(item.capturedAt))
            ? started.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" })
            : started.toLocaleString(undefined, { day: "numeric", month: "short", hour: "numeric", minute: "2-digit" })}
        </time>
      </span>
    </p>
  );
}

const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

type Person = Pick<CallView["participants"][number], "userId" | "displayName">;

/** "Ana", "Ana and Bo", "Ana, Bo and Cy": each a link to that person's calls. */
function Names({ people }: { people: ReadonlyArray<Person> }) {
  return people.map((p, i) => (
    <Fragment key={p.userId}>
      {i === 0 ? "" : i === people.length - 1 ? " and " : ", "}
      <Link href={`/calls/person/${p.userId}`} className={linkClass}>
        {p.displayName}
      </Link>
    </Fragment>
  ));
}

function CaptureCall({ kind, others }: { kind: CallView["kind"]; others: ReadonlyArray<Person> }) {
  return (
    <>
      From your {kind} call{others.length > 0 ? " with " : ""}
      <Names people={others} />
    </>
  );
}

/** The call a message was left after: it was never answered (the viewer's own view of why). */
function MessageCall({ call, sent, others }: { call: CallView; sent: boolean; others: ReadonlyArray<Person> }) {
  if (sent) {
    return (
      <>
        After an unanswered {call.kind} call{others.length > 0 ? " to " : ""}
        <Names people={others} />
      </>
    );
  }
  const caller = others.filter((p) => call.participants.find((q) => q.userId === p.userId)?.role === "caller");
  return (
    <>
      After {call.outcome === "declined" ? "a declined" : "a missed"} {call.kind} call{caller.length > 0 ? " from " : ""}
      <Names people={caller} />
    </>
  );
}
