"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { ChevronLeft, PhoneMissed } from "lucide-react";
import Link from "next/link";
import { Avatar } from "@ringback/ui/avatar";
import { EmptyState } from "~/components/empty-state";
import { useTRPC } from "~/trpc/react";
import { CallButtons } from "./call-buttons";
import { CallHistory } from "./history-view";
import { PersonMessages } from "~/messages/person-messages";

/** One person's calls with me, and buttons to call them back. */
export function PersonCallsView({ userId }: { userId: string }) {
  const trpc = useTRPC();
  // The same query CallHistory runs (shared cache): the person's name comes from their calls.
  const history = useInfiniteQuery(
    trpc.calls.history.infiniteQueryOptions({ filter: "all", withUserId: userId, limit: 30 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const person = history.data?.pages
    .flatMap((p) => p.items)
    .flatMap((c) => c.participants)
    .find((p) => p.userId === userId);
  const name = person?.displayName ?? "Calls";

  return (
    <>
      <Link href="/calls" className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-primary hover:underline">
        <ChevronLeft className="size-4" aria-hidden="true" />
        Calls
      </Link>
      <header className="mb-6 flex flex-col items-center gap-3 text-center">
        <Avatar id={userId} name={person?.displayName ?? "?"} size="xl" />
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{name}</h1>
          {person?.handle ? <p className="text-sm text-muted-foreground">@{person.handle}</p> : null}
        </div>
        {person ? (
          <div className="flex gap-2 rounded-full bg-card p-1 shadow-xs ring-1 ring-border">
            <CallButtons userId={userId} displayName={person.displayName} />
          </div>
        ) : null}
      </header>
      <PersonMessages userId={userId} />
      <h2 className="mb-2 px-1 text-sm font-semibold text-muted-foreground">Recent calls</h2>
      <CallHistory
        filter="all"
        withUserId={userId}
        empty={
          <EmptyState icon={PhoneMissed} title="No calls with this person">
            Calls between you will show up here.
          </EmptyState>
        }
      />
    </>
  );
}
