import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { changePasswordInput, confirmsEmail, deleteAccountInput } from "@ringback/core/account";
import {
  clientAddressSchema,
  emailSchema,
  providerAccountIdSchema,
  providerNameSchema,
  signInInput,
  signUpInput,
  userIdSchema,
} from "@ringback/core/schemas";
import { describeWait } from "@ringback/core/throttle";
import { createPasswordSession, createSession, deleteOtherSessions, deleteSession } from "@ringback/db/queries/sessions";
import {
  changePasswordHash,
  createUser,
  deleteUser,
  findPasswordHash,
  findUserByEmail,
  findUserById,
  OAuthEmailTakenError,
  upsertOAuthUser,
} from "@ringback/db/queries/users";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../auth/password";
import { SESSION_MAX_AGE_MS } from "../auth/session";
import { beginPasswordCheck, beginSignInAttempt, beginSignUp } from "../auth/sign-in-throttle";
import { internalProcedure, protectedProcedure, publicProcedure, router } from "../trpc";

/** What the web server knows about the browser signing in; the API never sees the browser itself. */
const verifyCredentialsInput = signInInput.extend({
  // the address the web server saw the request come from
  clientAddress: clientAddressSchema,
  // the browser's device cookie, already checked by the web server (which signed it): the
  // device id and the account it was issued for
  device: z.object({ id: z.uuid(), userId: userIdSchema }).nullish(),
});

const oauthInput = z.object({
  provider: z.enum(["github", "google"]),
  providerAccountId: providerAccountIdSchema,
  email: emailSchema,
  emailVerified: z.boolean(),
  // cleaned to the display-name rules (a provider's name must not fail the sign-in); null if unusable
  name: providerNameSchema,
});

const sessionRefInput = z.object({ sessionId: z.uuid(), userId: userIdSchema });

function handleBaseFrom(email: string): string {
  const base = (email.split("@")[0] ?? "").toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 20);
  return base.length >= 3 ? base : `user_${base}`.slice(0, 20);
}

export const tooManyAttempts = (seconds: number) =>
  new TRPCError({ code: "TOO_MANY_REQUESTS", message: `Too many attempts. Try again in ${describeWait(seconds)}.` });

export const authRouter = router({
  /** Throttled per client address before the password is hashed: see beginSignUp. */
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const attempt = await beginSignUp(ctx.db, ctx.clientAddress, new Date());
    if (!attempt.allowed) throw tooManyAttempts(attempt.retryAfterSeconds);
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

  /**
   * Password sign-in, for the web server only (browsers go through next-auth, which calls this with
   * the client's address and device cookie). Known and unknown emails take the same path and time:
   * both are throttled, both run one password hash check, both fail with the same answer.
   */
  verifyCredentials: internalProcedure.input(verifyCredentialsInput).mutation(async ({ ctx, input }) => {
    const found = await findUserByEmail(ctx.db, input.email);
    const trustedDeviceId = found && input.device && input.device.userId === found.id ? input.device.id : null;
    const attempt = await beginSignInAttempt(ctx.db, { email: input.email, clientAddress: input.clientAddress, trustedDeviceId }, new Date());
    if (!attempt.allowed) return { outcome: "throttled" as const, retryAfterSeconds: attempt.retryAfterSeconds };
    const ok = found?.passwordHash ? await verifyPassword(found.passwordHash, input.password) : await burnPasswordCheck(input.password);
    if (!found?.passwordHash || !ok) return { outcome: "wrong" as const };
    // The session starts here, bound to the hash just checked, not in a later startSession call: a
    // password change in between would otherwise leave the old password's session alive.
    const session = await createPasswordSession(ctx.db, found.id, found.passwordHash, new Date(Date.now() + SESSION_MAX_AGE_MS));
    // the password changed while it was being checked: the one given is no longer right
    if (!session) return { outcome: "wrong" as const };
    await attempt.succeeded();
    return {
      outcome: "ok" as const,
      user: { id: found.id, email: found.email, handle: found.handle, displayName: found.displayName },
      sessionId: session.id,
    };
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

  /**
   * Starts a server-side session for an OAuth sign-in; its id goes into the session cookie. Password
   * sign-ins get theirs from verifyCredentials, tied to the password that was checked.
   */
  startSession: internalProcedure.input(z.object({ userId: userIdSchema })).mutation(async ({ ctx, input }) => {
    if (!(await findUserById(ctx.db, input.userId))) throw new TRPCError({ code: "NOT_FOUND", message: "No such user" });
    const session = await createSession(ctx.db, input.userId, new Date(Date.now() + SESSION_MAX_AGE_MS));
    return { sessionId: session.id, expiresAt: session.expiresAt };
  }),

  /** next-auth's sign-out event: the cookie is being cleared in the browser; the session ends here. */
  endSession: internalProcedure.input(sessionRefInput).mutation(async ({ ctx, input }) => {
    await deleteSession(ctx.db, input.sessionId, input.userId);
    return { ok: true as const };
  }),

  /** Ends the session this request came with. */
  signOut: protectedProcedure.mutation(async ({ ctx }) => {
    await deleteSession(ctx.db, ctx.user.sessionId, ctx.user.id);
    return { ok: true as const };
  }),

  /** Needs the current password; every other session (other browsers, a stolen cookie) ends. */
  changePassword: protectedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const stored = await findPasswordHash(ctx.db, ctx.user.id);
    if (stored === undefined) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in" });
    if (stored === null) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "Your account signs in with GitHub or Google and has no password to change" });
    }
    const attempt = await beginPasswordCheck(ctx.db, ctx.user.sessionId, new Date());
    if (!attempt.allowed) throw tooManyAttempts(attempt.retryAfterSeconds);
    if (!(await verifyPassword(stored, input.currentPassword))) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "Your current password is not right" });
    }
    await attempt.succeeded();
    await changePasswordHash(ctx.db, ctx.user.id, await hashPassword(input.newPassword), ctx.user.sessionId);
    return { ok: true as const };
  }),

  /** Ends every session of this person but the one this request came with ("Sign out of other devices"). */
  signOutOthers: protectedProcedure.mutation(async ({ ctx }) => {
    const ended = await deleteOtherSessions(ctx.db, ctx.user.id, ctx.user.sessionId);
    return { ended };
  }),

  /**
   * Deletes the account and everything that is the person's; every session ends with it (cascade).
   * A session alone is not enough (a stolen cookie could delete the account): a password account
   * needs its password, counted with changePassword's wrong guesses for this session, so a thief
   * gets no extra tries; an OAuth-only account has no password, so its email must be typed.
   */
  deleteAccount: protectedProcedure.input(deleteAccountInput).mutation(async ({ ctx, input }) => {
    const [user, stored] = await Promise.all([findUserById(ctx.db, ctx.user.id), findPasswordHash(ctx.db, ctx.user.id)]);
    if (!user || stored === undefined) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in" });
    if (stored === null) {
      if (!confirmsEmail(input.confirmEmail, user.email)) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "Type your account’s email address to confirm" });
      }
    } else {
      if (!input.currentPassword) throw new TRPCError({ code: "BAD_REQUEST", message: "Enter your current password" });
      const attempt = await beginPasswordCheck(ctx.db, ctx.user.sessionId, new Date());
      if (!attempt.allowed) throw tooManyAttempts(attempt.retryAfterSeconds);
      if (!(await verifyPassword(stored, input.currentPassword))) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "Your current password is not right" });
      }
      await attempt.succeeded();
    }
    // the password checked must still be the account's: a change in between (the owner locking a thief out) wins
    if (!(await deleteUser(ctx.db, ctx.user.id, stored))) {
      throw new TRPCError({ code: "CONFLICT", message: "Your password changed meanwhile. Please try again." });
    }
    return { ok: true as const };
  }),
});
