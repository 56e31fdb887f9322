"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "~/components/toasts";
import { errorMessage } from "~/lib/trpc-errors";
import { useOnline } from "~/pwa/online";
import { useTRPC } from "~/trpc/react";
import type { CallKind, CallView } from "./types";
import { refreshQueries } from "~/lib/refresh-queries";

/**
 * Places a call and opens its page; errors ("You blocked this person…") appear as a toast. `offline`:
 * calling needs a connection, so call buttons are disabled and say why while it is gone.
 */
export function useStartCall(opts: { replace?: boolean } = {}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const online = useOnline();
  const mutation = useMutation(
    trpc.calls.start.mutationOptions({
      onSuccess: (call: CallView) => {
        queryClient.setQueryData(trpc.calls.get.queryKey({ callId: call.id }), call);
        void refreshQueries(queryClient, [trpc.calls.history.pathKey()]);
        const url = `/call/${call.id}?media=${call.kind}`;
        if (opts.replace) router.replace(url);
        else router.push(url);
      },
      onError: (error) => toast.error(errorMessage(error, "Couldn’t place the call.")),
    }),
  );
  return {
    start: (calleeIds: string[], kind: CallKind) => mutation.mutate({ calleeIds, kind }),
    isPending: mutation.isPending,
    offline: !online,
  };
}
