import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { libraryItemRefInput, libraryListInput, saveMessageInput, type LibraryFilter, type LibraryItemView } from "@ringback/core/library";
import { libraryBytesUsed } from "@ringback/db/queries/library";
import { libraryBytesByKind, libraryPeople, listLibraryItems, savedItemOf, type LibraryCursor } from "@ringback/db/queries/library-list";
import { deleteLibraryItem, itemTranscriptSegments, libraryViews, ownItemOrThrow, saveMessageToLibrary } from "../library/library-service";
import { protectedProcedure, router } from "../trpc";

const cursorSchema = z.object({ capturedAt: z.string().max(64), id: z.uuid() });

/** The opaque `nextCursor` a page hands out: where it ended, to the microsecond. */
function encodeCursor(at: LibraryCursor): string {
  return Buffer.from(JSON.stringify(at)).toString("base64url");
}

function decodeCursor(cursor: string): LibraryCursor {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (Number.isNaN(Date.parse(parsed.capturedAt))) throw new Error("not a time");
    return parsed;
  } catch {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Not a valid cursor" });
  }
}

const kindOf = (filter: LibraryFilter) => (filter === "all" ? undefined : filter);

export const libraryRouter = router({
  /** One page of my Library, newest first: ready items, items still being made, and failed ones. */
  list: protectedProcedure.input(libraryListInput).query(async ({ ctx, input }) => {
    const rows = await listLibraryItems(ctx.db, ctx.user.id, {
      kind: kindOf(input.filter),
      personId: input.personId,
      limit: input.limit,
      cursor: input.cursor ? decodeCursor(input.cursor) : undefined,
    });
    const items = await libraryViews(ctx.db, rows);
    const last = rows.at(-1);
    return { items, nextCursor: rows.length === input.limit && last ? encodeCursor(last.at) : null };
  }),

  get: protectedProcedure.input(libraryItemRefInput).query(async ({ ctx, input }): Promise<LibraryItemView> => {
    const [view] = await libraryViews(ctx.db, [await ownItemOrThrow(ctx.db, input.itemId, ctx.user.id)]);
    if (!view) throw new TRPCError({ code: "NOT_FOUND", message: "No such item" });
    return view;
  }),

  /** A saved message's words in time (empty for other kinds and for messages without a transcript). */
  transcript: protectedProcedure.input(libraryItemRefInput).query(async ({ ctx, input }) => {
    const row = await ownItemOrThrow(ctx.db, input.itemId, ctx.user.id);
    return { segments: itemTranscriptSegments(row) };
  }),

  /** Files gone from storage, row gone, and every tab of mine told. */
  delete: protectedProcedure.input(libraryItemRefInput).mutation(async ({ ctx, input }) => {
    await deleteLibraryItem(ctx, input.itemId, ctx.user.id, ctx.log);
    return { ok: true as const };
  }),

  /** Keeps a message I sent or received (and can see) in my Library, with its own copy of the files. */
  saveMessage: protectedProcedure.input(saveMessageInput).mutation(async ({ ctx, input }): Promise<LibraryItemView> => {
    const row = await saveMessageToLibrary(ctx, ctx.user.id, input.messageId, ctx.log);
    const [view] = await libraryViews(ctx.db, [row]);
    if (!view) throw new TRPCError({ code: "NOT_FOUND", message: "No such item" });
    return view;
  }),

  /** Where I saved this message, if I did (the message page's "Saved to Library" link). */
  savedOf: protectedProcedure.input(saveMessageInput).query(async ({ ctx, input }) => {
    const row = await savedItemOf(ctx.db, ctx.user.id, input.messageId);
    return { itemId: row?.id ?? null };
  }),

  /** What my Library takes: in all, by kind, and by the person in the items. */
  usage: protectedProcedure.query(async ({ ctx }) => {
    const [usedBytes, byKind, people] = await Promise.all([
      libraryBytesUsed(ctx.db, ctx.user.id),
      libraryBytesByKind(ctx.db, ctx.user.id),
      libraryPeople(ctx.db, ctx.user.id),
    ]);
    return {
      usedBytes,
      quotaBytes: ctx.media.libraryQuotaBytes,
      byKind,
      byPerson: people
        .map((p) => ({ person: { id: p.id, displayName: p.displayName, handle: p.handle }, bytes: p.bytes, count: p.count }))
        .sort((a, b) => b.bytes - a.bytes),
    };
  }),

  /** The people in my items, by name (the Library's person filter). */
  people: protectedProcedure.query(async ({ ctx }) => {
    const people = await libraryPeople(ctx.db, ctx.user.id);
    return people.map((p) => ({ id: p.id, displayName: p.displayName, handle: p.handle, count: p.count }));
  }),
});
