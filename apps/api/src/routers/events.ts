import { tracked } from "@trpc/server";
import { encodeRealtimeEvent, parseRealtimeEvent } from "@ringback/core/events";
import { eventsInput } from "@ringback/core/schemas";
import type { Database } from "@ringback/db/client";
import { latestEventId, listEventsAfter, type StoredEvent } from "@ringback/db/queries/events";
import { findLiveSession } from "@ringback/db/queries/sessions";
import { RESYNC } from "../events/bus";
import type { Logger } from "../logger";
import { protectedProcedure, router } from "../trpc";

/** Every stored event after `afterId`, page by page, so a long absence still replays in full. */
async function* storedAfter(db: Database, userId: string, afterId: bigint) {
  let cursor = afterId;
  for (;;) {
    const page = await listEventsAfter(db, userId, cursor.toString());
    for (const e of page) {
      cursor = BigInt(e.id);
      yield e;
    }
    if (page.length < 500) return;
  }
}

/**
 * The event as it goes out: checked against the core's union and sent in its JSON form (the client
 * parses it again and gets Dates). A row this code cannot read (written by a newer or older version)
 * is skipped rather than sent half-understood; its id still counts as delivered.
 */
function toData(e: StoredEvent, log: Logger) {
  const parsed = parseRealtimeEvent({ type: e.type, payload: e.payload });
  if (!parsed.success) {
    log.warn({ eventId: e.id, type: e.type, issues: parsed.error.issues.length }, "skipping an event that does not match the event union");
    return null;
  }
  return tracked(e.id, { ...encodeRealtimeEvent(parsed.data), createdAt: e.createdAt });
}

export const eventsRouter = router({
  /**
   * A person's realtime events. Each is `tracked` by the person's own event number, so a
   * reconnecting client sends `lastEventId` and gets what it missed before anything new. Numbers
   * per person become visible in order and without holes (see publishEvents), which is what makes
   * "after N" exact and lets a hole in the live feed be noticed and filled from the table.
   */
  subscribe: protectedProcedure.input(eventsInput).subscription(async function* ({ ctx, input, signal }) {
    const userId = ctx.user.id;
    // listen first, then read: nothing published in between can fall through the gap
    const live = ctx.bus.stream(userId, signal);
    const first = live.next();
    const latest = BigInt(await latestEventId(ctx.db, userId));
    // An id beyond the newest one cannot be ours (an id from before per-person numbering, or from
    // another database): resuming after it would silently swallow everything up to it.
    const asked = input.lastEventId == null ? null : BigInt(input.lastEventId);
    let last = asked !== null && asked <= latest ? asked : latest;
    for await (const e of storedAfter(ctx.db, userId, last)) {
      last = BigInt(e.id);
      const data = toData(e, ctx.log);
      if (data) yield data;
    }
    for (let next = await first; !next.done; next = await live.next()) {
      // A stream opened before its session ended (signed out, password changed, account deleted)
      // delivers nothing after that; the client's reconnect then gets 401. One primary-key lookup
      // per live event, and events are rare.
      if (!(await findLiveSession(ctx.db, ctx.user.sessionId, userId, new Date()))) return;
      const item = next.value;
      // numbers are dense, so a jump means a notification went missing: read the table instead
      if (item === RESYNC || BigInt(item.id) > last + 1n) {
        for await (const e of storedAfter(ctx.db, userId, last)) {
          last = BigInt(e.id);
          const data = toData(e, ctx.log);
          if (data) yield data;
        }
      } else if (BigInt(item.id) > last) {
        last = BigInt(item.id);
        const data = toData(item, ctx.log);
        if (data) yield data;
      }
    }
  }),
});
