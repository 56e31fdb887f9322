import { createHmac } from "node:crypto";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@ringback/api/router";
import { env } from "~/env";

/**
 * For server-only procedures (sign-in, sessions, OAuth account mapping): the header proves this
 * request comes from a holder of AUTH_SECRET. It must match apps/api/src/auth/internal.ts.
 */
export const apiInternalClient = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: `${env.API_URL}/api/trpc`,
      transformer: superjson,
      headers: () => ({
        "x-ringback-internal": createHmac("sha256", env.AUTH_SECRET ?? "").update("ringback-internal-v1").digest("base64url"),
      }),
    }),
  ],
});

/** The API as the browser whose Cookie header this is (server components checking a session). */
export function apiClientAs(cookieHeader: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${env.API_URL}/api/trpc`, transformer: superjson, headers: () => ({ cookie: cookieHeader }) })],
  });
}
