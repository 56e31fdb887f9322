import type { NextAuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { signInInput } from "@ringback/core/schemas";
import { env } from "~/env";
import { TRPCClientError } from "@trpc/client";
import { TOO_MANY_ATTEMPTS } from "~/lib/auth-errors";
import { apiInternalClient, apiServerClient } from "./api-client";

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

export const authOptions: NextAuthOptions = {
  secret: env.AUTH_SECRET,
  session: { strategy: "jwt" },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials) {
        const parsed = signInInput.safeParse({ email: credentials?.email, password: credentials?.password });
        // Malformed input is just a failed sign-in; the page shows one message for every failure.
        if (!parsed.success) return null;
        const { user } = await apiServerClient.auth.verifyCredentials.mutate(parsed.data).catch((err: unknown) => {
          // next-auth hands this message to the page as `error`
          if (err instanceof TRPCClientError && (err.data as { httpStatus?: number } | undefined)?.httpStatus === 429) {
            throw new Error(TOO_MANY_ATTEMPTS);
          }
          throw err;
        });
        if (!user) return null;
        return { id: user.id, email: user.email, name: user.displayName, handle: user.handle };
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
};

/** The signed-in person for server components and route handlers, or null. */
export async function getSession() {
  const session = await getServerSession(authOptions);
  if (!session?.user.id) return null;
  return session;
}
