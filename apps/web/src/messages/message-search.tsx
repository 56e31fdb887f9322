"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Search, SearchX, X } from "lucide-react";
import Link from "next/link";
import { useId, type ReactNode } from "react";
import { Avatar } from "@ringback/ui/avatar";
import { Card } from "@ringback/ui/card";
import { QueryState } from "@ringback/ui/query-state";
import { EmptyState } from "~/components/empty-state";
import { formatCallTime } from "~/calls/types";
import { useDebouncedValue } from "~/lib/use-debounced-value";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";
import { kindName } from "./labels";
import { MessageLink } from "./message-link";
import { snippetParts, withEllipses } from "./snippet";

const MIN_CHARS = 2;

/** The Calls page's "Search messages" box. */
export function MessageSearchBox({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <div role="search" className="relative mb-4">
      <Search className="pointer-events-none absolute top-1/2 left-3.5 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden="true" />
      <input
        type="search"
        aria-label="Search messages"
        placeholder="Search messages"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape" && value) {
            e.preventDefault();
            onChange("");
          }
        }}
        className="h-10 w-full rounded-xl border-0 bg-muted pr-10 pl-10 text-[15px] outline-none placeholder:text-muted-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 [&::-webkit-search-cancel-button]:hidden"
      />
      {value ? (
        <button
          type="button"
          aria-label="Clear search"
          onClick={() => onChange("")}
          className="absolute top-1/2 right-2 inline-flex size-7 -translate-y-1/2 items-center justify-center rounded-full text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
        >
          <X className="size-4" aria-hidden="true" />
        </button>
      ) : null}
    </div>
  );
}

/** True when the box holds enough to search (the Calls page then shows results instead of recents). */
export function isSearching(text: string): boolean {
  return text.trim().length >= MIN_CHARS;
}

/** Messages whose transcript matches, best first, each with the matching words highlighted. */
export function MessageSearchResults({ text }: { text: string }) {
  const trpc = useTRPC();
  const q = useDebouncedValue(text.trim(), 250);
  const ready = q.length >= MIN_CHARS;
  const results = useQuery({ ...trpc.messages.search.queryOptions({ q }), enabled: ready, placeholderData: keepPreviousData, staleTime: 0 });
  const listId = useId();

  return (
    <Card className="overflow-hidden">
      <QueryState
        query={ready ? results : { isPending: true, isError: false, error: null, data: undefined }}
        loadingLabel="Searching…"
        errorText={(e) => errorMessage(e, "Search isn’t working right now. Please try again.")}
        retry
        isEmpty={(data) => data.length === 0}
        empty={
          <EmptyState icon={SearchX} title="No messages found">
            No transcript mentions “{q}”.
          </EmptyState>
        }
      >
        {(data) => (
          <ul id={listId} aria-label="Search results" className="divide-y divide-border">
            {data.map(({ message, snippet }) => (
              <li key={message.id} className="flex items-start gap-3 px-4 py-3 sm:px-5">
                <Avatar id={message.other.id} name={message.other.displayName} />
                <div className="min-w-0 flex-1">
                  <div className="flex items-baseline gap-2">
                    <Link href={`/messages/${message.id}`} className="min-w-0 flex-1 truncate rounded text-[15px] font-medium outline-none hover:underline focus-visible:ring-2 focus-visible:ring-ring/50">
                      {message.direction === "sent" ? `To ${message.other.displayName}` : message.other.displayName}
                    </Link>
                    <time dateTime={new Date(message.createdAt).toISOString()} className="shrink-0 text-[13px] text-muted-foreground">
                      {formatCallTime(new Date(message.createdAt))}
                    </time>
                  </div>
                  <p className="text-[13px] text-muted-foreground">{message.direction === "sent" ? `Your ${kindName(message.kind).toLowerCase()}` : kindName(message.kind)}</p>
                  <p className="mt-1 line-clamp-3 text-sm leading-5">{highlight(withEllipses(snippet))}</p>
                  {/* on a phone the thumbnail sits under the words, as in the history rows */}
                  <div className="mt-2 flex sm:hidden">
                    <MessageLink message={message} unseen={message.direction === "received" && !message.seen} sent={message.direction === "sent"} />
                  </div>
                </div>
                <div className="hidden sm:flex">
                  <MessageLink message={message} unseen={message.direction === "received" && !message.seen} sent={message.direction === "sent"} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}

function highlight(snippet: string): ReactNode {
  return snippetParts(snippet).map((part, i) =>
    part.match ? (
      <mark key={i} className="rounded-[4px] bg-primary/20 px-0.5 text-foreground">
        {part.text}
      </mark>
    ) : (
      <span key={i}>{part.text}</span>
    ),
  );
}
