import { TRPCError } from "@trpc/server";
import { settingsUpdateInput } from "@ringback/core/settings";
import { getSettings, updateSettings } from "@ringback/db/queries/settings";
import { protectedProcedure, router } from "../trpc";

export const settingsRouter = router({
  get: protectedProcedure.query(async ({ ctx }) => {
    const settings = await getSettings(ctx.db, ctx.user.id);
    if (!settings) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in" });
    return settings;
  }),

  update: protectedProcedure.input(settingsUpdateInput).mutation(async ({ ctx, input }) => {
    const settings = await updateSettings(ctx.db, ctx.user.id, input);
    if (!settings) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in" });
    return settings;
  }),
});
