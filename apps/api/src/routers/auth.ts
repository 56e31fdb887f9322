import { TRPCError } from "@trpc/server";
import { signInInput, signUpInput } from "@ringback/core/schemas";
import { createUser, findUserByEmail } from "@ringback/db/queries/users";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../auth/password";
import { publicProcedure, router } from "../trpc";

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
    const found = await findUserByEmail(ctx.db, input.email);
    if (!found?.passwordHash) {
      await burnPasswordCheck(input.password);
      return { user: null };
    }
    if (!(await verifyPassword(found.passwordHash, input.password))) return { user: null };
    return { user: { id: found.id, email: found.email, handle: found.handle, displayName: found.displayName } };
  }),
});
