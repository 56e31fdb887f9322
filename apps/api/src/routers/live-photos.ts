import { TRPCError } from "@trpc/server";
import { captureCallInput, livePhotoCaptureInput } from "@ringback/core/library";
import { captureLivePhoto } from "../library/live-photo-capture";
import { livePhotoAvailability, NO_SUCH_CALL } from "../library/live-photo-rules";
import { protectedProcedure, router } from "../trpc";

export const livePhotosRouter = router({
  /** For the shutter: may I take a Live Photo of each other person connected to this call, and if not, why. */
  availability: protectedProcedure.input(captureCallInput).query(async ({ ctx, input }) => {
    const availability = await livePhotoAvailability(ctx.db, input.callId, ctx.user.id);
    if (!availability) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_CALL });
    return availability;
  }),

  /** The shutter was pressed on `subjectId`: the item to upload the still and clip to (the subject is told now). */
  capture: protectedProcedure
    .input(livePhotoCaptureInput)
    .mutation(({ ctx, input }) => captureLivePhoto(ctx, { callId: input.callId, takerId: ctx.user.id, subjectId: input.subjectId, now: new Date() })),
});
