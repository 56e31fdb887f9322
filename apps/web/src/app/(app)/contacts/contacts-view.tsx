"use client";

import { useQuery } from "@tanstack/react-query";
import { Ban, Check, Search, Star, Trash2, UserPlus, UserRoundSearch, Users, X } from "lucide-react";
import { useId, useState } from "react";
import { Button } from "@ringback/ui/button";
import { Card } from "@ringback/ui/card";
import { cn } from "@ringback/ui/cn";
import { Input } from "@ringback/ui/input";
import { QueryState } from "@ringback/ui/query-state";
import { CallButtons } from "~/calls/call-buttons";
import { GroupCallButton } from "~/calls/group-call-dialog";
import { EmptyState } from "~/components/empty-state";
import { PersonRow } from "~/components/person-row";
import { UnblockButton } from "~/components/unblock-button";
import { useBlockConfirmation, usePeopleMutations, type PersonRef } from "~/components/use-people-mutations";
import { errorMessage } from "~/lib/trpc-errors";
import { useDebouncedValue } from "~/lib/use-debounced-value";
import { useTRPC } from "~/trpc/react";

export function ContactsView() {
  const trpc = useTRPC();
  const [query, setQuery] = useState("");
  const debounced = useDebouncedValue(query.trim(), 250);
  const searching = debounced.length > 0;

  const contacts = useQuery(trpc.contacts.list.queryOptions());
  const results = useQuery({ ...trpc.users.search.queryOptions({ query: debounced }), enabled: searching });
  const people = usePeopleMutations();
  const { requestBlock, dialog } = useBlockConfirmation(people.block);

  const searchId = useId();
  const resultsHeadingId = useId();
  const contactsHeadingId = useId();

  return (
    <div className="flex flex-col gap-6">
      <div className="relative">
        <label htmlFor={searchId} className="sr-only">
          Search people
        </label>
        <Search
          className="pointer-events-none absolute top-1/2 left-3.5 size-[18px] -translate-y-1/2 text-muted-foreground"
          aria-hidden="true"
        />
        <Input
          id={searchId}
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Search by name, @handle or email"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          className="h-12 rounded-2xl pr-11 pl-10 [&::-webkit-search-cancel-button]:appearance-none"
        />
        {query ? (
          <Button
            variant="ghost"
            size="icon-sm"
            aria-label="Clear search"
            className="absolute top-1/2 right-2 -translate-y-1/2 text-muted-foreground"
            onClick={() => setQuery("")}
          >
            <X aria-hidden="true" />
          </Button>
        ) : null}
      </div>

      {searching ? (
        <section aria-labelledby={resultsHeadingId}>
          <h2 id={resultsHeadingId} className="mb-2 px-1 text-[13px] font-semibold text-muted-foreground uppercase">
            Search results
          </h2>
          <Card className="overflow-hidden">
            <QueryState
              query={results}
              loadingLabel="Searching…"
              errorText={(error) => errorMessage(error, "Search isn’t working right now. Please try again.")}
              isEmpty={(found) => found.length === 0}
              empty={
                <EmptyState icon={UserRoundSearch} title="No one found" className="py-8">
                  No one matches “{debounced}”. Try their exact handle or email.
                </EmptyState>
              }
            >
              {(found) => (
                <ul className="divide-y divide-border">
                  {found.map((person) => (
                    <PersonRow
                      key={person.id}
                      id={person.id}
                      displayName={person.displayName}
                      handle={person.handle}
                      badge={person.isBlocked ? <StatusBadge tone="destructive">Blocked</StatusBadge> : null}
                    >
                      {person.isBlocked ? (
                        <UnblockButton person={{ userId: person.id, displayName: person.displayName }} people={people} />
                      ) : (
                        <>
                          {person.isContact ? (
                            <span className="inline-flex items-center gap-1 px-2 text-[13px] font-medium text-muted-foreground">
                              <Check className="size-4" aria-hidden="true" /> In contacts
                            </span>
                          ) : (
                            <Button
                              size="sm"
                              aria-label={`Add ${person.displayName}`}
                              disabled={people.addContact.isPending}
                              onClick={() => people.addContact.mutate({ userId: person.id })}
                            >
                              <UserPlus aria-hidden="true" />
                              Add
                            </Button>
                          )}
                          <CallButtons userId={person.id} displayName={person.displayName} />
                          <BlockIconButton person={{ userId: person.id, displayName: person.displayName }} onBlock={requestBlock} />
                        </>
                      )}
                    </PersonRow>
                  ))}
                </ul>
              )}
            </QueryState>
          </Card>
        </section>
      ) : null}

      <section aria-labelledby={contactsHeadingId}>
        <div className="mb-2 flex items-end justify-between gap-2 px-1">
          <h2 id={contactsHeadingId} className="text-[13px] font-semibold text-muted-foreground uppercase">
            My contacts
            {contacts.data && contacts.data.length > 0 ? (
              <span className="ml-1 font-normal normal-case">· {contacts.data.length}</span>
            ) : null}
          </h2>
          {contacts.data && contacts.data.length > 1 ? <GroupCallButton /> : null}
        </div>
        <Card className="overflow-hidden">
          <QueryState
            query={contacts}
            loading={<ContactsSkeleton />}
            offlineText="You’re offline. Your contacts will show when you’re back online."
            errorText={(error) => errorMessage(error, "Your contacts couldn’t be loaded. Please try again.")}
            retry
            isEmpty={(list) => list.length === 0}
            empty={
              <EmptyState icon={Users} title="No contacts yet">
                Search for people by name, handle or email above, then tap Add.
              </EmptyState>
            }
          >
            {(list) => (
              <ul className="divide-y divide-border">
                {list.map((contact) => (
                  <PersonRow
                    key={contact.userId}
                    id={contact.userId}
                    displayName={contact.displayName}
                    handle={contact.handle}
                  >
                    <CallButtons userId={contact.userId} displayName={contact.displayName} />
                    <Button
                      variant="ghost"
                      size="icon-sm"
                      aria-label={`Favourite ${contact.displayName}`}
                      aria-pressed={contact.favorite}
                      title={contact.favorite ? "Remove from favourites" : "Add to favourites"}
                      onClick={() =>
                        people.setFavorite.mutate({ userId: contact.userId, favorite: !contact.favorite })
                      }
                      className={cn(
                        contact.favorite ? "text-favorite hover:text-favorite" : "text-muted-foreground",
                      )}
                    >
                      <Star className={cn(contact.favorite && "fill-current")} aria-hidden="true" />
                    </Button>
                    <Button
                      variant="ghost"
                      size="icon-sm"
                      aria-label={`Remove ${contact.displayName}`}
                      title="Remove from contacts"
                      className="text-muted-foreground"
                      onClick={() => people.remove({ userId: contact.userId, displayName: contact.displayName })}
                    >
                      <Trash2 aria-hidden="true" />
                    </Button>
                    <BlockIconButton person={{ userId: contact.userId, displayName: contact.displayName }} onBlock={requestBlock} />
                  </PersonRow>
                ))}
              </ul>
            )}
          </QueryState>
        </Card>
      </section>
      {dialog}
    </div>
  );
}

/** The quiet block control at the end of a row, for contacts and search results alike; blocking asks first. */
function BlockIconButton({ person, onBlock }: { person: PersonRef; onBlock: (person: PersonRef) => void }) {
  return (
    <Button
      variant="ghost"
      size="icon-sm"
      aria-label={`Block ${person.displayName}`}
      title="Block"
      className="text-muted-foreground hover:text-destructive"
      onClick={() => onBlock(person)}
    >
      <Ban aria-hidden="true" />
    </Button>
  );
}

function StatusBadge({ tone, children }: { tone: "destructive"; children: string }) {
  return (
    <span
      className={cn(
        "shrink-0 rounded-full px-2 py-0.5 text-[11px] font-semibold",
        tone === "destructive" && "bg-destructive/10 text-destructive",
      )}
    >
      {children}
    </span>
  );
}

function ContactsSkeleton() {
  return (
    <ul aria-label="Loading contacts" className="divide-y divide-border">
      {[0, 1, 2].map((i) => (
        <li key={i} className="flex items-center gap-3 px-5 py-3">
          <span className="size-10 animate-pulse rounded-full bg-muted" />
          <span className="flex flex-1 flex-col gap-2">
            <span className="h-3.5 w-32 animate-pulse rounded bg-muted" />
            <span className="h-3 w-20 animate-pulse rounded bg-muted" />
          </span>
        </li>
      ))}
    </ul>
  );
}
