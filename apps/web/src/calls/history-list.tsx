"use client";

import { Phone, Video } from "lucide-react";
import Link from "next/link";
import { Fragment } from "react";
import { Avatar } from "@ringback/ui/avatar";
import { Button } from "@ringback/ui/button";
import { HistoryRow } from "@ringback/ui/history-row";
import { formatCallTime, formatDuration, kindLabel, otherPeople, outcomeLabel, type CallView } from "./types";
import { OFFLINE_REASON } from "./call-buttons";
import { useStartCall } from "./use-start-call";
import { CaptureNotes } from "~/library/capture-notes";
import { sentNote } from "~/messages/labels";
import { MessageLink } from "~/messages/message-link";

/** Calls as recents rows: each person links to their own history, with call-back buttons. */
export function HistoryList({ calls, myId }: { calls: ReadonlyArray<CallView>; myId: string }) {
  const { start, isPending, offline } = useStartCall();
  return (
    <ul className="divide-y divide-border" aria-label="Call history">
      {calls.map((call) => {
        const people = otherPeople(call, myId);
        const first = people[0];
        const detail = [
          kindLabel(call.kind),
          outcomeLabel(call),
          call.durationSeconds !== null ? formatDuration(call.durationSeconds) : null,
        ]
          .filter(Boolean)
          .join(" · ");
        const names = people.map((p) => p.displayName).join(", ");
        return (
          <HistoryRow
            key={call.id}
            direction={call.direction}
            missed={call.missed}
            detail={detail}
            time={formatCallTime(new Date(call.createdAt))}
            dateTime={new Date(call.createdAt).toISOString()}
            avatar={first ? <Avatar id={first.userId} name={first.displayName} /> : null}
            message={call.message ? <MessageLink message={call.message} unseen={call.direction === "incoming" && !call.message.seen} sent={call.direction === "outgoing"} /> : null}
            messageNote={call.message && call.direction === "outgoing" ? sentNote(call.message.kind, call.message.seen) : undefined}
            captures={call.captures && call.captures.length > 0 ? <CaptureNotes captures={call.captures} /> : null}
            people={people.map((p, i) => (
              <Fragment key={p.userId}>
                {i > 0 ? ", " : null}
                <Link href={`/calls/person/${p.userId}`} className="rounded hover:underline focus-visible:ring-2 focus-visible:ring-ring/50 focus-visible:outline-none">
                  {p.displayName}
                </Link>
              </Fragment>
            ))}
            actions={
              people.length > 0 ? (
                <>
                  <Button
                    variant="ghost"
                    size="icon-sm"
                    className="text-primary"
                    aria-label={`Call ${names} back with audio`}
                    title={offline ? OFFLINE_REASON : "Call back (audio)"}
                    disabled={isPending || offline}
                    onClick={() => start(people.map((p) => p.userId), "audio")}
                  >
                    <Phone aria-hidden="true" />
                  </Button>
                  <Button
                    variant="ghost"
                    size="icon-sm"
                    className="text-primary"
                    aria-label={`Call ${names} back with video`}
                    title={offline ? OFFLINE_REASON : "Call back (video)"}
                    disabled={isPending || offline}
                    onClick={() => start(people.map((p) => p.userId), "video")}
                  >
                    <Video aria-hidden="true" />
                  </Button>
                </>
              ) : null
            }
          />
        );
      })}
    </ul>
  );
}
