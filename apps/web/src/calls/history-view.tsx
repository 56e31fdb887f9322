"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PhoneMissed, Users } from "lucide-react";
import Link from "next/link";
import { useEffect, useId, useState, type ReactNode } from "react";
import { Button } from "@ringback/ui/button";
import { Card } from "@ringback/ui/card";
import { cn } from "@ringback/ui/cn";
import { QueryLoading, QueryState } from "@ringback/ui/query-state";
import { EmptyState } from "~/components/empty-state";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";
import { HistoryList } from "./history-list";
import { NotificationPrompt } from "./notification-prompt";
import { refreshQueries } from "~/lib/refresh-queries";
import { isSearching, MessageSearchBox, MessageSearchResults } from "~/messages/message-search";

type Filter = "all" | "missed";
const PAGE = 30;

/** The Calls page: recents with an All / Missed switch. Viewing it clears the missed badge. */
export function HistoryView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<Filter>("all");
  const [search, setSearch] = useState("");
  const tabsId = useId();

  const markSeen = useMutation(
    trpc.calls.markSeen.mutationOptions({
      // idempotent, and nothing else clears the badge while the page stays open: a dropped request
      // must not leave it stuck
      retry: 3,
      onSuccess: () => refreshQueries(queryClient, [trpc.calls.missedCount.pathKey()]),
    }),
  );
  const { mutate: markSeenNow } = markSeen;
  useEffect(() => markSeenNow(), [markSeenNow]);

  return (
    <>
      <NotificationPrompt />
      <MessageSearchBox value={search} onChange={setSearch} />
      {isSearching(search) ? (
        <MessageSearchResults text={search} />
      ) : (
        <>
          <div role="tablist" aria-label="Which calls" className="mb-4 grid grid-cols-2 rounded-xl bg-muted p-1 text-sm font-medium sm:w-64">
            {(["all", "missed"] as const).map((f) => (
              <button
                key={f}
                type="button"
                role="tab"
                id={`${tabsId}-${f}`}
                aria-selected={filter === f}
                aria-controls={`${tabsId}-panel`}
                onClick={() => setFilter(f)}
                className={cn(
                  "rounded-lg py-1.5 outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50",
                  filter === f ? "bg-card text-foreground shadow-sm" : "text-muted-foreground hover:text-foreground",
                )}
              >
                {f === "all" ? "All" : "Missed"}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`${tabsId}-panel`} aria-labelledby={`${tabsId}-${filter}`}>
            <CallHistory
              filter={filter}
              empty={
                filter === "missed" ? (
                  <EmptyState icon={PhoneMissed} title="No missed calls">
                    Calls you didn’t pick up will show up here.
                  </EmptyState>
                ) : (
                  <EmptyState icon={PhoneMissed} title="No calls yet">
                    <p>Calls you make and receive will show up here.</p>
                    <Button asChild variant="secondary" className="mt-5">
                      <Link href="/contacts">
                        <Users aria-hidden="true" />
                        Go to Contacts
                      </Link>
                    </Button>
                  </EmptyState>
                )
              }
            />
          </div>
        </>
      )}
    </>
  );
}

/** A card of history rows with paging; shared by the Calls page and a person's page. */
export function CallHistory({ filter, withUserId, empty }: { filter: Filter; withUserId?: string; empty: ReactNode }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const history = useInfiniteQuery({
    ...trpc.calls.history.infiniteQueryOptions(
      { filter, withUserId, limit: PAGE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    staleTime: 0,
  });

  return (
    <Card className="overflow-hidden">
      <QueryState
        query={history}
        loadingLabel="Loading calls…"
        offlineText="You’re offline. Your calls will show when you’re back online."
        errorText={(error) => errorMessage(error, "Your calls couldn’t be loaded. Please try again.")}
        retry
        isEmpty={(data) => data.pages[0]?.items.length === 0}
        empty={empty}
      >
        {(data) =>
          // who "me" is comes from the session and is almost always cached already
          me.data ? (
            <>
              <HistoryList calls={data.pages.flatMap((p) => p.items)} myId={me.data.id} />
              {history.hasNextPage ? (
                <div className="border-t border-border px-5 py-3">
                  <Button variant="ghost" size="sm" disabled={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
                    {history.isFetchingNextPage ? "Loading…" : "Show older calls"}
                  </Button>
                </div>
              ) : null}
            </>
          ) : (
            <QueryLoading label="Loading calls…" />
          )
        }
      </QueryState>
    </Card>
  );
}
