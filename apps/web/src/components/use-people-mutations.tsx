"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "~/components/toasts";
import { ConfirmDialog } from "@ringback/ui/confirm-dialog";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";
import { refreshQueries } from "~/lib/refresh-queries";

export type PersonRef = { userId: string; displayName: string };

/**
 * Contacts and blocks change together (blocking can touch contacts and search badges), so every
 * mutation refreshes all three lists instead of guessing which one the server changed.
 */
export function usePeopleMutations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => refreshQueries(queryClient, [trpc.contacts.pathKey(), trpc.blocked.pathKey(), trpc.users.pathKey()]);

  const addContact = useMutation(
    trpc.contacts.add.mutationOptions({
      onSuccess: (row) => toast.success(`${row.displayName} added to your contacts`),
      onError: (error) => toast.error(errorMessage(error)),
      onSettled: refresh,
    }),
  );

  const removeContact = useMutation(trpc.contacts.remove.mutationOptions({ onSettled: refresh }));

  const contactsKey = trpc.contacts.list.queryKey();
  const setFavorite = useMutation(
    trpc.contacts.setFavorite.mutationOptions({
      // The star fills at once; the server's order (favourites first) arrives with the refresh.
      onMutate: async ({ userId, favorite }) => {
        await queryClient.cancelQueries({ queryKey: contactsKey });
        const previous = queryClient.getQueryData(contactsKey);
        if (previous) {
          queryClient.setQueryData(
            contactsKey,
            previous.map((row) => (row.userId === userId ? { ...row, favorite } : row)),
          );
        }
        return { previous };
      },
      onError: (error, _input, context) => {
        if (context?.previous) queryClient.setQueryData(contactsKey, context.previous);
        toast.error(errorMessage(error));
      },
      onSettled: refresh,
    }),
  );

  const block = useMutation(trpc.blocked.add.mutationOptions({ onSettled: refresh }));

  const unblock = useMutation(
    trpc.blocked.remove.mutationOptions({
      onError: (error) => toast.error(errorMessage(error)),
      onSettled: refresh,
    }),
  );

  function remove(person: PersonRef) {
    removeContact.mutate(
      { userId: person.userId },
      {
        onSuccess: () =>
          toast(`${person.displayName} removed from your contacts`, {
            action: { label: "Undo", onClick: () => addContact.mutate({ userId: person.userId }) },
          }),
        onError: (error) => toast.error(errorMessage(error)),
      },
    );
  }

  function unblockPerson(person: PersonRef) {
    unblock.mutate({ userId: person.userId }, { onSuccess: () => toast.success(`${person.displayName} unblocked`) });
  }

  return { addContact, remove, setFavorite, block, unblockPerson, unblock };
}

/** Block with a confirmation step: blocking silences someone without telling them, so it should be deliberate. */
export function useBlockConfirmation(block: ReturnType<typeof usePeopleMutations>["block"]) {
  const [target, setTarget] = useState<PersonRef | null>(null);

  const dialog = (
    <ConfirmDialog
      open={target !== null}
      title={target ? `Block ${target.displayName}?` : "Block"}
      description={
        <p>
          They won’t be able to call you or leave you messages. Ringback won’t tell them. You can unblock them any
          time in Settings.
        </p>
      }
      confirmLabel="Block"
      destructive
      pending={block.isPending}
      onOpenChange={(open) => {
        if (!open) setTarget(null);
      }}
      onConfirm={() => {
        if (!target) return;
        const person = target;
        block.mutate(
          { userId: person.userId },
          {
            onSuccess: () => {
              toast.success(`${person.displayName} is blocked`);
              setTarget(null);
            },
            onError: (error) => toast.error(errorMessage(error)),
          },
        );
      }}
    />
  );

  return { requestBlock: setTarget, dialog };
}
