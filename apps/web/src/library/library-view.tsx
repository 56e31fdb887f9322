"use client";

import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { Images } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import type { LibraryFilter } from "@ringback/core/library";
import { Button } from "@ringback/ui/button";
import { cn } from "@ringback/ui/cn";
import { QueryState } from "@ringback/ui/query-state";
import { useRealtimeEvent } from "~/calls/realtime-listeners";
import { EmptyState } from "~/components/empty-state";
import { refreshQueries } from "~/lib/refresh-queries";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";
import { dayHeading, groupByDay, LIBRARY_TABS } from "./labels";
import { LibraryTile } from "./library-tile";
import { StorageMeter } from "./storage-meter";

const PAGE = 30;

const EMPTY: Record<LibraryFilter, { title: string; text: string }> = {
  all: { title: "Your Library is empty", text: "Live Photos you take, calls you record and messages you save will show up here." },
  "live-photo": { title: "No Live Photos yet", text: "Take one during a video call with the shutter button." },
  recording: { title: "No recordings yet", text: "Record a call when everyone in it allows it." },
  "saved-message": { title: "No saved messages", text: "Open a video message or voicemail and choose Save to Library." },
};

/** The Library page: storage, tabs, a person filter, and the items newest first, by day. */
export function LibraryView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<LibraryFilter>("all");
  const [personId, setPersonId] = useState<string>("");
  const tabsId = useId();
  const personFieldId = useId();
  const people = useQuery({ ...trpc.library.people.queryOptions(), staleTime: 0 });

  // the events provider refreshes the list itself; what the page adds up is refreshed here
  useRealtimeEvent("library-changed", () => {
    void refreshQueries(queryClient, [trpc.library.usage.pathKey(), trpc.library.people.pathKey()]);
  });

  // a person who no longer appears in any item is not a filter any more
  const known = people.data?.some((p) => p.id === personId) ?? true;
  const activePerson = personId && known ? personId : "";

  return (
    <>
      <StorageMeter />
      <div className="mb-5 flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <div role="tablist" aria-label="What to show" className="flex rounded-xl bg-muted p-1 text-[13px] font-medium sm:inline-flex sm:text-sm">
          {LIBRARY_TABS.map((tab) => (
            <button
              key={tab.filter}
              type="button"
              role="tab"
              id={`${tabsId}-${tab.filter}`}
              aria-selected={filter === tab.filter}
              aria-controls={`${tabsId}-panel`}
              onClick={() => setFilter(tab.filter)}
              className={cn(
                "flex-auto rounded-lg px-2 py-1.5 leading-tight whitespace-nowrap outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 sm:px-3",
                filter === tab.filter ? "bg-card text-foreground shadow-sm" : "text-muted-foreground hover:text-foreground",
              )}
            >
              {tab.label}
            </button>
          ))}
        </div>
        <div className="flex items-center gap-2">
          <label htmlFor={personFieldId} className="text-sm font-medium text-muted-foreground">
            Person
          </label>
          <select
            id={personFieldId}
            value={activePerson}
            onChange={(e) => setPersonId(e.target.value)}
            className="h-9 min-w-0 flex-1 rounded-full border border-border bg-card px-3 pr-8 text-sm shadow-xs outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 sm:flex-none"
          >
            <option value="">All people</option>
            {(people.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div role="tabpanel" id={`${tabsId}-panel`} aria-labelledby={`${tabsId}-${filter}`}>
        <LibraryItems filter={filter} personId={activePerson || undefined} />
      </div>
    </>
  );
}

function LibraryItems({ filter, personId }: { filter: LibraryFilter; personId: string | undefined }) {
  const trpc = useTRPC();
  const list = useInfiniteQuery({
    ...trpc.library.list.infiniteQueryOptions({ filter, personId, limit: PAGE }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    staleTime: 0,
    // items being made become ready by themselves: look again while any is on the way
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((i) => i.status === "capturing" || i.status === "recording" || i.status === "processing")) ? 5_000 : false,
  });
  const empty = EMPTY[filter];

  return (
    <QueryState
      query={list}
      loadingLabel="Loading your Library…"
      errorText={(error) => errorMessage(error, "Your Library couldn’t be loaded. Please try again.")}
      retry
      isEmpty={(data) => data.pages[0]?.items.length === 0}
      empty={
        <EmptyState icon={Images} title={personId ? "Nothing with this person here" : empty.title}>
          {personId ? "Try another person, or All people." : empty.text}
        </EmptyState>
      }
    >
      {(data) => (
        <>
          <div className="flex flex-col gap-6">
            {groupByDay(data.pages.flatMap((p) => p.items)).map((group) => (
              <section key={group.key} aria-labelledby={`day-${group.key}`}>
                <h2 id={`day-${group.key}`} className="mb-2.5 px-0.5 text-[15px] font-semibold">
                  {dayHeading(group.date)}
                </h2>
                <ul className="grid grid-cols-2 gap-x-3 gap-y-4 sm:grid-cols-3 lg:grid-cols-4">
                  {group.items.map((item) => (
                    <LibraryTile key={item.id} item={item} />
                  ))}
                </ul>
              </section>
            ))}
          </div>
          {list.hasNextPage ? <MoreItems loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} /> : null}
        </>
      )}
    </QueryState>
  );
}

/** Loads the next page when it scrolls into view, and is a button for anyone who gets there first. */
function MoreItems({ loading, onMore }: { loading: boolean; onMore: () => void }) {
  const ref = useRef<HTMLDivElement | null>(null);
  const more = useRef(onMore);
  more.current = onMore;
  useEffect(() => {
    const node = ref.current;
    if (!node || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && more.current(), { rootMargin: "400px" });
    observer.observe(node);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={ref} className="mt-6 flex justify-center">
      <Button variant="ghost" size="sm" disabled={loading} onClick={onMore}>
        {loading ? "Loading…" : "Show more"}
      </Button>
    </div>
  );
}
