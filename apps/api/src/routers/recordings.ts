import { captureCallInput, recordingStartInput, recordingStopInput } from "@ringback/core/library";
import { TRPCError } from "@trpc/server";
import { protectedProcedure, router } from "../trpc";

// STUB (foundation): filled in by the call recording work
export const recordingsRouter = router({
  active: protectedProcedure.input(captureCallInput).query(async () => ({
    recording: null as null | { id: string; by: { id: string; displayName: string; handle: string }; startedAt: Date; mine: boolean },
    canStart: { ok: false, reason: "Not available yet" } as { ok: true } | { ok: false; reason: string },
  })),
  start: protectedProcedure.input(recordingStartInput).mutation(async (): Promise<{ recordingId: string; uploadUrl: string; startedAt: Date }> => {
    throw new TRPCError({ code: "NOT_FOUND", message: "No such call" });
  }),
  stop: protectedProcedure.input(recordingStopInput).mutation(async (): Promise<{ ok: true }> => {
    throw new TRPCError({ code: "NOT_FOUND", message: "No such recording" });
  }),
});
