import { TRPCError } from "@trpc/server";
import { settingsUpdateInput } from "@ringback/core/settings";
import { getSettings, updateSettings } from "@ringback/db/queries/settings";
import { captureConsentChanged } from "../library/recording-service";
import { protectedProcedure, router } from "../trpc";

export const settingsRouter = router({
  get: protectedProcedure.query(async ({ ctx }) => {
    const settings = await getSettings(ctx.db, ctx.user.id);
    if (!settings) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in" });
    return settings;
  }),

  update: protectedProcedure.input(settingsUpdateInput).mutation(async ({ ctx, input }) => {
    const before = await getSettings(ctx.db, ctx.user.id);
    const settings = await updateSettings(ctx.db, ctx.user.id, input);
    if (!before || !settings) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in" });
    // the others in my live calls see my shutter and record-button consent change; a recording I no
    // longer allow stops
    await captureConsentChanged(ctx, ctx.user.id, before, settings);
    return settings;
  }),
});
