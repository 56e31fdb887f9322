"use client";

import { useQuery } from "@tanstack/react-query";
import { Ban, ShieldCheck } from "lucide-react";
import { useId, useState } from "react";
import { Button } from "@ringback/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "@ringback/ui/card";
import { Input } from "@ringback/ui/input";
import { Label } from "@ringback/ui/label";
import { QueryState } from "@ringback/ui/query-state";
import { EmptyState } from "~/components/empty-state";
import { PersonRow } from "~/components/person-row";
import { UnblockButton } from "~/components/unblock-button";
import { useBlockConfirmation, usePeopleMutations } from "~/components/use-people-mutations";
import { errorMessage } from "~/lib/trpc-errors";
import { useDebouncedValue } from "~/lib/use-debounced-value";
import { useTRPC } from "~/trpc/react";

export function BlockedSection() {
  const trpc = useTRPC();
  const blocked = useQuery(trpc.blocked.list.queryOptions());
  const people = usePeopleMutations();
  const { requestBlock, dialog } = useBlockConfirmation(people.block);
  const [query, setQuery] = useState("");
  const debounced = useDebouncedValue(query.trim(), 250);
  const results = useQuery({
    ...trpc.users.search.queryOptions({ query: debounced }),
    enabled: debounced.length > 0,
  });
  const searchId = useId();
  const listHeadingId = useId();

  return (
    <Card aria-labelledby={listHeadingId}>
      <CardHeader>
        <CardTitle id={listHeadingId}>Blocked Contacts</CardTitle>
        <CardDescription>Blocked people can’t call you or leave messages, and aren’t told.</CardDescription>
      </CardHeader>

      <QueryState
        query={blocked}
        className="py-5"
        errorText={(error) => errorMessage(error, "Your blocked list couldn’t be loaded.")}
        retry
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState icon={ShieldCheck} title="No one is blocked" className="py-8" />}
      >
        {(list) => (
          <ul aria-label="Blocked people" className="mt-3 divide-y divide-border border-y border-border">
            {list.map((person) => (
              <PersonRow key={person.userId} id={person.userId} displayName={person.displayName} handle={person.handle}>
                <UnblockButton person={{ userId: person.userId, displayName: person.displayName }} people={people} />
              </PersonRow>
            ))}
          </ul>
        )}
      </QueryState>

      <div className="flex flex-col gap-2 px-5 pt-4 pb-5">
        <Label htmlFor={searchId}>Block someone</Label>
        <Input
          id={searchId}
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Name, @handle or email"
          className="[&::-webkit-search-cancel-button]:appearance-none"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
        />
        {debounced.length > 0 ? (
          <QueryState
            query={results}
            loadingLabel="Searching…"
            className="px-0 py-2"
            errorText={(error) => errorMessage(error)}
            // People already blocked are listed above; offering to block them again would be noise.
            isEmpty={(found) => found.every((person) => person.isBlocked)}
            empty={<p className="py-2 text-sm text-muted-foreground">No one to block matches “{debounced}”.</p>}
          >
            {(found) => (
              <ul aria-label="People to block" className="-mx-5 divide-y divide-border">
                {found
                  .filter((person) => !person.isBlocked)
                  .map((person) => (
                    <PersonRow key={person.id} id={person.id} displayName={person.displayName} handle={person.handle}>
                      <Button
                        variant="outline"
                        size="sm"
                        aria-label={`Block ${person.displayName}`}
                        className="text-destructive"
                        onClick={() => requestBlock({ userId: person.id, displayName: person.displayName })}
                      >
                        <Ban aria-hidden="true" />
                        Block
                      </Button>
                    </PersonRow>
                  ))}
              </ul>
            )}
          </QueryState>
        ) : null}
      </div>
      {dialog}
    </Card>
  );
}
