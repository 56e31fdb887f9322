import { libraryMediaUrl, recordingStopReasonSchema, type LibraryItemView } from "@ringback/core/library";
import type { LibraryItemRow } from "@ringback/db/queries/library";

export type PersonNames = Map<string, { displayName: string; handle: string }>;

/** A stored item as its owner sees it; never a raw row (upload ids and storage keys stay here). */
export function toLibraryItemView(row: LibraryItemRow, names: PersonNames): LibraryItemView {
  const stop = recordingStopReasonSchema.safeParse(row.stopReason);
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    messageKind: row.messageKind ?? null,
    messageDirection: row.kind === "saved-message" ? (row.messageDirection ?? "received") : null,
    callId: row.callId,
    people: row.people.map((id) => {
      const name = names.get(id);
      return { id, displayName: name?.displayName ?? "Someone", handle: name?.handle ?? "" };
    }),
    capturedAt: row.capturedAt,
    readyAt: row.readyAt,
    durationMs: row.durationMs,
    width: row.width,
    height: row.height,
    sizeBytes: row.sizeBytes,
    stillUrl: row.posterKey ? libraryMediaUrl(row.id, "still") : null,
    clipUrl: row.clipKey ? libraryMediaUrl(row.id, "clip") : null,
    mediaUrl: row.mediaKey && row.status === "ready" ? libraryMediaUrl(row.id, "media") : null,
    contentType: row.contentType,
    waveform: row.waveform ?? null,
    transcript: row.transcript ?? null,
    stopReason: stop.success ? stop.data : null,
  };
}

/** The storage folder of an item: every file of it lives under this prefix. */
export function libraryPrefix(itemId: string): string {
  return `library/${itemId}/`;
}
