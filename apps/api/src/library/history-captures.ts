import type { CallView } from "@ringback/core/call-views";
import type { CaptureSummary } from "@ringback/core/library";
import type { Database } from "@ringback/db/client";
import { capturesOnCalls, peopleNames } from "@ringback/db/queries/library-list";

/**
 * History rows with what was captured in each call that the viewer took or was in: "Live Photo by
 * Ana", "You recorded". Only the people who were told at the time see it (a photo's taker and
 * subject, a recording's recorder and participants), like the notices themselves.
 */
export async function withCaptureSummaries(db: Database, viewerId: string, views: CallView[]): Promise<CallView[]> {
  const rows = await capturesOnCalls(db, viewerId, views.map((v) => v.id));
  if (rows.length === 0) return views.map((v) => ({ ...v, captures: [] }));
  const names = await peopleNames(db, rows.map((r) => r.ownerId));
  // one summary per call, kind and person, in the order they first happened
  const byCall = new Map<string, Map<string, CaptureSummary>>();
  for (const row of rows) {
    if (!row.callId || (row.kind !== "live-photo" && row.kind !== "recording")) continue;
    const summaries = byCall.get(row.callId) ?? new Map<string, CaptureSummary>();
    byCall.set(row.callId, summaries);
    const key = `${row.kind}:${row.ownerId}`;
    const mine = row.ownerId === viewerId;
    const known = summaries.get(key);
    if (known) {
      known.count += 1;
      // the latest one of mine is what the row links to
      if (mine) known.itemId = row.id;
    } else {
      summaries.set(key, {
        kind: row.kind,
        by: { id: row.ownerId, displayName: names.get(row.ownerId)?.displayName ?? "Someone" },
        mine,
        count: 1,
        itemId: mine ? row.id : null,
      });
    }
  }
  return views.map((v) => ({ ...v, captures: [...(byCall.get(v.id)?.values() ?? [])] }));
}
