import type { Sql } from "@ringback/db/client";
import { EVENTS_CHANNEL, type StoredEvent } from "@ringback/db/queries/events";

/** Tells a stream that notifications may have been missed: re-read the stored events. */
export const RESYNC = Symbol("resync");

export type BusItem = StoredEvent | typeof RESYNC;
export type BusListener = (item: BusItem) => void;

/**
 * Fans Postgres NOTIFYs out to this process's subscribers. Every API process runs one, so an event
 * published by any process reaches a subscriber connected to any other.
 *
 * One plain function per open stream, in a set per person: an idle stream costs a set entry. (Node's
 * `events.on()` iterator, used before, preallocates two 2,048-slot queues: 32 KB per stream.)
 */
export class EventBus {
  private readonly listeners = new Map<string, Set<BusListener>>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly sql: Sql) {}

  async start(): Promise<void> {
    let listening = false;
    const { unlisten } = await this.sql.listen(
      EVENTS_CHANNEL,
      (payload) => {
        const raw = JSON.parse(payload) as Omit<StoredEvent, "createdAt"> & { createdAt: string };
        const mine = this.listeners.get(raw.userId);
        if (!mine) return;
        const event: StoredEvent = { ...raw, createdAt: new Date(raw.createdAt) };
        for (const listener of mine) listener(event);
      },
      // runs on every (re)connect of the listening connection; NOTIFYs sent while it was down are
      // gone, so every open stream goes back to the table for what it missed
      () => {
        if (listening) this.resyncAll();
        listening = true;
      },
    );
    this.unlisten = unlisten;
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
  }

  resyncAll(): void {
    for (const set of this.listeners.values()) for (const listener of set) listener(RESYNC);
  }

  /** Calls `listener` with each event for one person (and RESYNC) until the returned function is called. */
  subscribe(userId: string, listener: BusListener): () => void {
    let set = this.listeners.get(userId);
    if (!set) {
      set = new Set();
      this.listeners.set(userId, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(userId);
      if (!current?.delete(listener)) return;
      if (current.size === 0) this.listeners.delete(userId);
    };
  }

  /** Events for one person as an async iterator, buffered from the moment of the call until the signal aborts. */
  async *stream(userId: string, signal: AbortSignal | undefined): AsyncGenerator<BusItem> {
    if (signal?.aborted) return;
    const queue: BusItem[] = [];
    let wake: (() => void) | null = null;
    const poke = () => {
      wake?.();
      wake = null;
    };
    const unsubscribe = this.subscribe(userId, (item) => {
      queue.push(item);
      poke();
    });
    signal?.addEventListener("abort", poke, { once: true });
    try {
      for (;;) {
        const item = queue.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (signal?.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      unsubscribe();
      signal?.removeEventListener("abort", poke);
    }
  }

  subscriberCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}
