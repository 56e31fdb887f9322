import { tracked } from "@trpc/server";
import { eventsInput } from "@ringback/core/schemas";
import { listEventsAfter } from "@ringback/db/queries/events";
import { protectedProcedure, router } from "../trpc";

export const eventsRouter = router({
  /**
   * A person's realtime events. Each is `tracked` by its stored id, so a reconnecting client sends
   * `lastEventId` and gets what it missed before anything new.
   */
  subscribe: protectedProcedure.input(eventsInput).subscription(async function* ({ ctx, input, signal }) {
    // listen first, then read the backlog: nothing published in between can fall through the gap
    const live = ctx.bus.stream(ctx.user.id, signal);
    const first = live.next();
    let last = input.lastEventId ? BigInt(input.lastEventId) : null;
    if (last !== null) {
      for (const e of await listEventsAfter(ctx.db, ctx.user.id, last.toString())) {
        last = BigInt(e.id);
        yield tracked(e.id, { type: e.type, payload: e.payload, createdAt: e.createdAt });
      }
    }
    let next = await first;
    while (!next.done) {
      const e = next.value;
      if (last === null || BigInt(e.id) > last) {
        last = BigInt(e.id);
        yield tracked(e.id, { type: e.type, payload: e.payload, createdAt: e.createdAt });
      }
      next = await live.next();
    }
  }),
});
