import { tracked } from "@trpc/server";
import { eventsInput } from "@ringback/core/schemas";
import type { Database } from "@ringback/db/client";
import { latestEventId, listEventsAfter, type StoredEvent } from "@ringback/db/queries/events";
import { RESYNC } from "../events/bus";
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

const toData = (e: StoredEvent) => tracked(e.id, { type: e.type, payload: e.payload, createdAt: e.createdAt });

export const eventsRouter = router({
  /**
   * A person's realtime events. Each is `tracked` by its stored id, so a reconnecting client sends
   * `lastEventId` and gets what it missed before anything new. Ids per person become visible in
   * order (see publishEvents), which is what makes "after id N" exact.
   */
  subscribe: protectedProcedure.input(eventsInput).subscription(async function* ({ ctx, input, signal }) {
    const userId = ctx.user.id;
    // listen first, then read: nothing published in between can fall through the gap
    const live = ctx.bus.stream(userId, signal);
    const first = live.next();
    let last = BigInt(input.lastEventId ?? (await latestEventId(ctx.db, userId)));
    for await (const e of storedAfter(ctx.db, userId, last)) {
      last = BigInt(e.id);
      yield toData(e);
    }
    for (let next = await first; !next.done; next = await live.next()) {
      const item = next.value;
      if (item === RESYNC) {
        for await (const e of storedAfter(ctx.db, userId, last)) {
          last = BigInt(e.id);
          yield toData(e);
        }
      } else if (BigInt(item.id) > last) {
        last = BigInt(item.id);
        yield toData(item);
      }
    }
  }),
});
