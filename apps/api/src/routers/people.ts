import { TRPCError } from "@trpc/server";
import { favoriteInput, searchInput, userRefInput } from "@ringback/core/schemas";
import { addBlock, listBlocked, removeBlock } from "@ringback/db/queries/blocks";
import { addContact, getContact, listContacts, removeContact, setFavorite } from "@ringback/db/queries/contacts";
import { takeThrottle } from "@ringback/db/queries/throttle";
import { findPasswordHash, findUserById, searchUsers } from "@ringback/db/queries/users";
import type { Database } from "@ringback/db/client";
import { protectedProcedure, router } from "../trpc";

async function requireOtherUser(db: Database, me: string, userId: string, selfMessage: string) {
  if (userId === me) throw new TRPCError({ code: "BAD_REQUEST", message: selfMessage });
  const user = await findUserById(db, userId);
  if (!user) throw new TRPCError({ code: "NOT_FOUND", message: "No such user" });
  return user;
}

export const meRouter = router({
  get: protectedProcedure.query(async ({ ctx }) => {
    const me = await findUserById(ctx.db, ctx.user.id);
    // a valid cookie for an account that no longer exists is as good as no cookie
    if (!me) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in" });
    // Settings offers "Change password" only to people who have one (not OAuth-only accounts)
    return { ...me, hasPassword: Boolean(await findPasswordHash(ctx.db, me.id)) };
  }),
});

// enough for typing a few names a minute; not enough to walk a list of emails
const SEARCHES_PER_MINUTE = 30;

export const usersRouter = router({
  // people who blocked me still show up: search must not reveal a block
  search: protectedProcedure.input(searchInput).query(async ({ ctx, input }) => {
    const now = new Date();
    const slot = { bucket: "search", key: ctx.user.id, since: new Date(now.getTime() - 60_000) };
    const { allowed } = await takeThrottle(ctx.db, [slot], now, ([s]) => (s?.count ?? 0) < SEARCHES_PER_MINUTE);
    if (!allowed) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: "That’s a lot of searches. Try again in a minute." });
    return searchUsers(ctx.db, ctx.user.id, input.query);
  }),
});

export const contactsRouter = router({
  list: protectedProcedure.query(({ ctx }) => listContacts(ctx.db, ctx.user.id)),

  add: protectedProcedure.input(userRefInput).mutation(async ({ ctx, input }) => {
    await requireOtherUser(ctx.db, ctx.user.id, input.userId, "You can't add yourself");
    await addContact(ctx.db, ctx.user.id, input.userId);
    const row = await getContact(ctx.db, ctx.user.id, input.userId);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such user" });
    return row;
  }),

  remove: protectedProcedure.input(userRefInput).mutation(async ({ ctx, input }) => {
    if (!(await removeContact(ctx.db, ctx.user.id, input.userId)))
      throw new TRPCError({ code: "NOT_FOUND", message: "Not in your contacts" });
    return { ok: true as const };
  }),

  setFavorite: protectedProcedure.input(favoriteInput).mutation(async ({ ctx, input }) => {
    if (!(await setFavorite(ctx.db, ctx.user.id, input.userId, input.favorite)))
      throw new TRPCError({ code: "NOT_FOUND", message: "Not in your contacts" });
    const row = await getContact(ctx.db, ctx.user.id, input.userId);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "Not in your contacts" });
    return row;
  }),
});

export const blockedRouter = router({
  list: protectedProcedure.query(({ ctx }) => listBlocked(ctx.db, ctx.user.id)),

  add: protectedProcedure.input(userRefInput).mutation(async ({ ctx, input }) => {
    const user = await requireOtherUser(ctx.db, ctx.user.id, input.userId, "You can't block yourself");
    await addBlock(ctx.db, ctx.user.id, input.userId);
    const rows = await listBlocked(ctx.db, ctx.user.id);
    const row = rows.find((r) => r.userId === user.id);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such user" });
    return row;
  }),

  remove: protectedProcedure.input(userRefInput).mutation(async ({ ctx, input }) => {
    if (!(await removeBlock(ctx.db, ctx.user.id, input.userId)))
      throw new TRPCError({ code: "NOT_FOUND", message: "This person is not blocked" });
    return { ok: true as const };
  }),
});
