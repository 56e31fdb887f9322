"use client";

import { useMemo } from "react";
import { useTRPCClient } from "~/trpc/react";
import type { MessageApi } from "./begin";

/** messages.begin / messages.cancel for one call, as the recorder controllers take them. */
export function useMessageApi(callId: string): MessageApi {
  const client = useTRPCClient();
  return useMemo(
    () => ({
      begin: () => client.messages.begin.mutate({ callId }),
      cancel: (messageId: string) => client.messages.cancel.mutate({ messageId }),
    }),
    [client, callId],
  );
}
