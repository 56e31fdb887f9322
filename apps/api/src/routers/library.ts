import { libraryItemRefInput, libraryListInput, saveMessageInput, type LibraryItemView } from "@ringback/core/library";
import { TRPCError } from "@trpc/server";
import { protectedProcedure, router } from "../trpc";

// STUB (foundation): filled in by the Library work
export const libraryRouter = router({
  list: protectedProcedure.input(libraryListInput).query(async () => ({ items: [] as LibraryItemView[], nextCursor: null as string | null })),
  get: protectedProcedure.input(libraryItemRefInput).query(async (): Promise<LibraryItemView> => {
    throw new TRPCError({ code: "NOT_FOUND", message: "No such item" });
  }),
  delete: protectedProcedure.input(libraryItemRefInput).mutation(async () => {
    throw new TRPCError({ code: "NOT_FOUND", message: "No such item" });
  }),
  saveMessage: protectedProcedure.input(saveMessageInput).mutation(async (): Promise<LibraryItemView> => {
    throw new TRPCError({ code: "NOT_FOUND", message: "No such message" });
  }),
});
