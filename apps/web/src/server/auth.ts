import type { NextAuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { TRPCClientError } from "@trpc/client";
import { signInInput } from "@ringback/core/schemas";
import { env } from "~/env";
import { tooManyAttemptsError } from "~/lib/auth-errors";
import { apiClientAs, apiInternalClient } from "./api-client";
import {
  clientAddressFrom,
  cookieValue,
  DEVICE_COOKIE,
  DEVICE_COOKIE_MAX_AGE_SECONDS,
  deviceAfterSignIn,
  readDevice,
  signDevice,
} from "./device-cookie";

// the API's sessions live as long (apps/api/src/auth/session.ts SESSION_MAX_AGE_MS)
const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

function oauthProviders(): Provider[] {
  // Each is on only when its id and secret are set; the API maps the account to a Ringback user.
  const providers: Provider[] = [];
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET) {
    providers.push(GitHubProvider({ clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET }));
  }
  if (env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET) {
    providers.push(GoogleProvider({ clientId: env.AUTH_GOOGLE_ID, clientSecret: env.AUTH_GOOGLE_SECRET }));
  }
  return providers;
}

/** Remembers this browser for the account that just signed in (see device-cookie.ts). */
async function rememberDevice(userId: string, current: ReturnType<typeof readDevice>) {
  const device = deviceAfterSignIn(current, userId);
  (await cookies()).set(DEVICE_COOKIE, signDevice(env.AUTH_SECRET ?? "", device), {
    httpOnly: true,
    sameSite: "lax",
    secure: (env.NEXTAUTH_URL ?? "").startsWith("https://"),
    path: "/",
    maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
  });
}

export const authOptions: NextAuthOptions = {
  secret: env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, req) {
        const parsed = signInInput.safeParse({ email: credentials?.email, password: credentials?.password });
        // Malformed input is just a failed sign-in; the page shows one message for every failure.
        if (!parsed.success) return null;
        const reqHeaders = (req.headers ?? {}) as Record<string, string | string[] | undefined>;
        const cookieHeader = reqHeaders.cookie;
        const device = readDevice(env.AUTH_SECRET ?? "", cookieValue(Array.isArray(cookieHeader) ? cookieHeader.join("; ") : cookieHeader, DEVICE_COOKIE));
        const result = await apiInternalClient.auth.verifyCredentials.mutate({
          ...parsed.data,
          clientAddress: clientAddressFrom(reqHeaders["x-forwarded-for"]),
          device,
        });
        // next-auth hands a thrown error's message to the page as `error`
        if (result.outcome === "throttled") throw new Error(tooManyAttemptsError(result.retryAfterSeconds));
        if (result.outcome !== "ok") return null;
        await rememberDevice(result.user.id, device);
        return { id: result.user.id, email: result.user.email, name: result.user.displayName, handle: result.user.handle, sid: result.sessionId };
      },
    }),
    ...oauthProviders(),
  ],
  callbacks: {
    async jwt({ token, user, account, profile }) {
      // `user` is only present on sign-in; afterwards the token carries what the API needs.
      if (user && account?.type === "oauth") {
        if (!user.email) throw new Error("Your account has no email address we can use");
        const linked = await apiInternalClient.auth.oauthSignIn.mutate({
          provider: account.provider === "google" ? "google" : "github",
          providerAccountId: account.providerAccountId,
          email: user.email,
          // Google says whether it checked the address; GitHub's primary address is not assumed to be
          emailVerified: account.provider === "google" && (profile as { email_verified?: boolean } | undefined)?.email_verified === true,
          name: user.name,
        });
        token.sub = linked.id;
        token.name = linked.displayName;
        token.email = linked.email;
        token.handle = linked.handle;
      } else if (user) {
        token.sub = user.id;
        token.name = user.name ?? null;
        token.email = user.email ?? null;
        if (typeof user.handle === "string") token.handle = user.handle;
      }
      // Every sign-in starts a server-side session; the API accepts this cookie only while it lives,
      // so signing out, changing the password or deleting the account ends it everywhere. A password
      // sign-in's session was started with the password check (so a password change in between ends
      // it too); an OAuth sign-in starts one here.
      if (user && token.sub) {
        token.sid =
          account?.type === "credentials" && typeof user.sid === "string"
            ? user.sid
            : (await apiInternalClient.auth.startSession.mutate({ userId: token.sub })).sessionId;
      }
      return token;
    },
    session({ session, token }) {
      session.user = {
        id: token.sub ?? "",
        handle: token.handle ?? "",
        name: token.name ?? "",
        email: token.email ?? "",
      };
      return session;
    },
  },
  events: {
    async signOut({ token }) {
      // the browser drops the cookie; the session must end here too, or a copy of it would still work
      if (token?.sid && token.sub) await apiInternalClient.auth.endSession.mutate({ sessionId: token.sid, userId: token.sub });
    },
  },
};

/**
 * The signed-in person for server components and route handlers, or null. A cookie next-auth can
 * read is not enough: its server-side session must still be alive (not signed out elsewhere, not
 * ended by a password change or account deletion), so the API is asked, once per request.
 */
export const getSession = cache(async () => {
  const session = await getServerSession(authOptions);
  if (!session?.user.id) return null;
  try {
    await apiClientAs((await headers()).get("cookie") ?? "").me.get.query();
  } catch (err) {
    if (err instanceof TRPCClientError && (err.data as { httpStatus?: number } | undefined)?.httpStatus === 401) return null;
    throw err;
  }
  return session;
});
