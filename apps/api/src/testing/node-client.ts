import { createRequire } from "node:module";
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

/**
 * A next-auth session cookie for `userId` naming server-side session `sessionId` (null: a token from
 * before sessions were server-side), signed with `secret` (negative maxAge: already expired).
 */
export async function sessionCookie(userId: string, sessionId: string | null, secret: string, maxAge = 3600): Promise<string> {
  const token = sessionId ? { sub: userId, sid: sessionId } : { sub: userId };
  return `next-auth.session-token=${await encode({ token, secret, maxAge })}`;
}

/**
 * A correctly encrypted session token with no `exp` claim at all, as an old or hand-made client could
 * send; next-auth's own `encode` always sets one, so this uses the same jose calls without it.
 */
export async function sessionCookieWithoutExpiry(claims: Record<string, unknown>, secret: string): Promise<string> {
  // jose and @panva/hkdf are next-auth's own dependencies: load the copies it uses
  const fromNextAuth = createRequire(createRequire(import.meta.url).resolve("next-auth/jwt"));
  type Jwe = { setProtectedHeader(h: object): Jwe; setIssuedAt(): Jwe; encrypt(key: Uint8Array): Promise<string> };
  const { EncryptJWT } = fromNextAuth("jose") as { EncryptJWT: new (claims: Record<string, unknown>) => Jwe };
  const hkdf = (fromNextAuth("@panva/hkdf") as { default: (...args: unknown[]) => Promise<Uint8Array> }).default;
  const key = await hkdf("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32);
  const jwe = await new EncryptJWT(claims).setProtectedHeader({ alg: "dir", enc: "A256GCM" }).setIssuedAt().encrypt(key);
  return `next-auth.session-token=${jwe}`;
}
