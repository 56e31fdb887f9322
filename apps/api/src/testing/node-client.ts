import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";
import { encode } from "next-auth/jwt";
import superjson from "superjson";
import type { AppRouter } from "../router";
import { TRPC_PATH } from "../server";

/**
 * A Node-side tRPC client that presents a session cookie the way a browser would, for tests and
 * benchmarks. Node 20 has no EventSource, so subscriptions use the `eventsource` package.
 */
export function nodeClient(baseUrl: string, cookie: string | null, extraHeaders: Record<string, string> = {}) {
  const url = `${baseUrl}${TRPC_PATH}`;
  const headers = { ...extraHeaders, ...(cookie ? { cookie } : {}) };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          EventSource,
          eventSourceOptions: () => ({ fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }) }),
        }),
        false: httpLink({ url, transformer: superjson, headers: () => headers }),
      }),
    ],
  });
}

/** A next-auth session cookie for `userId`, signed with `secret` (negative maxAge: already expired). */
export async function sessionCookie(userId: string, secret: string, maxAge = 3600): Promise<string> {
  return `next-auth.session-token=${await encode({ token: { sub: userId }, secret, maxAge })}`;
}
