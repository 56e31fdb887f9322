"use client";

import { Button } from "@ringback/ui/button";
import type { PersonRef, usePeopleMutations } from "./use-people-mutations";

/**
 * Unblock from a person's row, wherever blocked people are listed. Every row's button waits while
 * any unblock is on its way, since each refreshes the lists the rows come from.
 */
export function UnblockButton({
  person,
  people,
}: {
  person: PersonRef;
  people: Pick<ReturnType<typeof usePeopleMutations>, "unblock" | "unblockPerson">;
}) {
  return (
    <Button
      variant="outline"
      size="sm"
      aria-label={`Unblock ${person.displayName}`}
      disabled={people.unblock.isPending}
      onClick={() => people.unblockPerson(person)}
    >
      Unblock
    </Button>
  );
}
