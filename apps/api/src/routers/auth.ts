import { TRPCError } from "@trpc/server";
import { signInInput, signUpInput } from "@ringback/core/schemas";
import { z } from "zod";
import { emailSchema } from "@ringback/core/schemas";
import { clearSignInFailures, recentSignInFailures, recordSignInFailure } from "@ringback/db/queries/maintenance";
import { createUser, findUserByEmail, OAuthEmailTakenError, upsertOAuthUser } from "@ringback/db/queries/users";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../auth/password";
import { internalProcedure, publicProcedure, router } from "../trpc";

const SIGN_IN_WINDOW_MS = 15 * 60_000;
const MAX_SIGN_IN_FAILURES = 10;
export const TOO_MANY_ATTEMPTS = "Too many sign-in attempts. Try again in 15 minutes.";

const oauthInput = z.object({
  provider: z.enum(["github", "google"]),
  providerAccountId: z.string().min(1).max(200),
  email: emailSchema,
  emailVerified: z.boolean(),
  name: z.string().trim().max(200).nullish(),
});

function handleBaseFrom(email: string): string {
  const base = (email.split("@")[0] ?? "").toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 20);
  return base.length >= 3 ? base : `user_${base}`.slice(0, 20);
}

export const authRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const passwordHash = await hashPassword(input.password);
    const result = await createUser(ctx.db, {
      email: input.email,
      handle: input.handle,
      displayName: input.displayName,
      passwordHash,
    });
    if (!result.ok) {
      throw new TRPCError({
        code: "CONFLICT",
        message: result.conflict === "email" ? "An account with this email already exists" : "That handle is taken",
      });
    }
    return result.user;
  }),

  verifyCredentials: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const now = new Date();
    // every attempt is counted before it is checked, so a burst of parallel guesses cannot all slip
    // under the limit; per email, known or not, so the limit says nothing about who has an account
    await recordSignInFailure(ctx.db, input.email, now);
    const attempts = await recentSignInFailures(ctx.db, input.email, new Date(now.getTime() - SIGN_IN_WINDOW_MS));
    if (attempts > MAX_SIGN_IN_FAILURES) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: TOO_MANY_ATTEMPTS });
    const found = await findUserByEmail(ctx.db, input.email);
    const ok = found?.passwordHash ? await verifyPassword(found.passwordHash, input.password) : await burnPasswordCheck(input.password);
    if (!found || !ok) return { user: null };
    await clearSignInFailures(ctx.db, input.email);
    return { user: { id: found.id, email: found.email, handle: found.handle, displayName: found.displayName } };
  }),

  /** Maps an OAuth sign-in (already verified by next-auth in the web server) to a Ringback user. */
  oauthSignIn: internalProcedure.input(oauthInput).mutation(async ({ ctx, input }) => {
    try {
      return await upsertOAuthUser(ctx.db, {
        provider: input.provider,
        providerAccountId: input.providerAccountId,
        email: input.email,
        emailVerified: input.emailVerified,
        displayName: (input.name || input.email.split("@")[0] || "New user").slice(0, 60),
        handleBase: handleBaseFrom(input.email),
      });
    } catch (err) {
      if (err instanceof OAuthEmailTakenError) throw new TRPCError({ code: "CONFLICT", message: err.message });
      throw err;
    }
  }),
});
