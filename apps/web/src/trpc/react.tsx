"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "@ringback/api/router";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

// Same origin: next.config.ts rewrites /api/trpc to the API server, so the session cookie rides along.
const TRPC_PATH = "/api/trpc";

function httpStatusOf(error: unknown): number | undefined {
  return (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus;
}

/** The session ran out (or was revoked) while the page was open: go and sign in again. */
function onApiError(error: unknown): void {
  if (httpStatusOf(error) === 401 && !window.location.pathname.startsWith("/sign")) {
    const back = encodeURIComponent(`${window.location.pathname}${window.location.search}`);
    window.location.assign(`/signin?callbackUrl=${back}`);
  }
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: onApiError }),
    mutationCache: new MutationCache({ onError: onApiError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A 4xx (not signed in, not found, bad input) will not fix itself by retrying.
        retry: (failureCount, error) => {
          const status = httpStatusOf(error);
          if (status && status >= 400 && status < 500) return false;
          return failureCount < 2;
        },
      },
    },
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  // useState, not module scope: one client per browser tab, never shared between server renders.
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: TRPC_PATH, transformer: superjson }),
          // the API refuses batches of more than 20 calls
          false: httpBatchLink({ url: TRPC_PATH, transformer: superjson, maxItems: 20 }),
        }),
      ],
    }),
  );

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
