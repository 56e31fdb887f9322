"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { BookmarkCheck, BookmarkPlus } from "lucide-react";
import Link from "next/link";
import { toast } from "~/components/toasts";
import { Button } from "@ringback/ui/button";
import { refreshQueries } from "~/lib/refresh-queries";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

/** "Save to Library" on a ready message; once saved, "Saved to Library" links to the item. */
export function SaveToLibrary({ messageId }: { messageId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const saved = useQuery(trpc.library.savedOf.queryOptions({ messageId }));
  const save = useMutation(
    trpc.library.saveMessage.mutationOptions({
      onSuccess: (item) => {
        queryClient.setQueryData(trpc.library.savedOf.queryKey({ messageId }), { itemId: item.id });
        void refreshQueries(queryClient, [trpc.library.list.pathKey(), trpc.library.usage.pathKey(), trpc.library.people.pathKey()]);
        toast.success("Saved to your Library");
      },
      onError: (error) => toast.error(errorMessage(error, "Couldn’t save it to your Library.")),
    }),
  );
  const itemId = saved.data?.itemId ?? null;
  if (itemId) {
    return (
      <Button asChild variant="ghost" className="text-primary">
        <Link href={`/library/${itemId}`}>
          <BookmarkCheck aria-hidden="true" />
          Saved to Library
        </Link>
      </Button>
    );
  }
  return (
    <Button variant="ghost" disabled={!saved.data || save.isPending} onClick={() => save.mutate({ messageId })}>
      <BookmarkPlus aria-hidden="true" />
      {save.isPending ? "Saving…" : "Save to Library"}
    </Button>
  );
}
