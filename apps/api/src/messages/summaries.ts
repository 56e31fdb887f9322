import type { CallView } from "@ringback/core/call-views";
import { summarizeMessage } from "@ringback/core/messages";
import type { Database } from "@ringback/db/client";
import { readyMessagesOnCalls, withPeople } from "@ringback/db/queries/messages";
import { toMessageView } from "./views";

/** History rows with the ready message the viewer sent or received on each call (null when none). */
export async function withMessageSummaries(db: Database, viewerId: string, views: CallView[]): Promise<CallView[]> {
  const rows = await withPeople(db, await readyMessagesOnCalls(db, viewerId, views.map((v) => v.id)));
  const byCall = new Map<string, ReturnType<typeof summarizeMessage>>();
  for (const row of rows) {
    if (row.callId && !byCall.has(row.callId)) byCall.set(row.callId, summarizeMessage(toMessageView(row, viewerId)));
  }
  return views.map((v) => ({ ...v, message: byCall.get(v.id) ?? null }));
}
