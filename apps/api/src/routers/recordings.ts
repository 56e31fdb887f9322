import { captureCallInput, recordingStartInput, recordingStopInput } from "@ringback/core/library";
import { activeRecording, startRecording, stopRecording } from "../library/recording-service";
import { protectedProcedure, router } from "../trpc";

/**
 * Call recordings. The browser records the call and streams it over tus (/api/library/uploads); these
 * say whether it may, start it (everyone present is told) and stop it.
 */
export const recordingsRouter = router({
  /** The call's recording now (for the REC indicator), and whether I could start one, with the reason if not. */
  active: protectedProcedure.input(captureCallInput).query(({ ctx, input }) => activeRecording(ctx, ctx.user.id, input.callId)),

  start: protectedProcedure.input(recordingStartInput).mutation(({ ctx, input }) => startRecording(ctx, ctx.user.id, input.callId)),

  stop: protectedProcedure.input(recordingStopInput).mutation(async ({ ctx, input }) => {
    await stopRecording(ctx, ctx.user.id, input.recordingId);
    return { ok: true as const };
  }),
});
