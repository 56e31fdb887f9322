import { captureCallInput, livePhotoCaptureInput } from "@ringback/core/library";
import { TRPCError } from "@trpc/server";
import { protectedProcedure, router } from "../trpc";

// STUB (foundation): filled in by the Live Photos work
export const livePhotosRouter = router({
  availability: protectedProcedure
    .input(captureCallInput)
    .query(async () => ({ subjects: [] as Array<{ userId: string; displayName: string; allowed: boolean; reason: string | null }> })),
  capture: protectedProcedure.input(livePhotoCaptureInput).mutation(async (): Promise<{ itemId: string; uploadUrl: string }> => {
    throw new TRPCError({ code: "NOT_FOUND", message: "No such call" });
  }),
});
