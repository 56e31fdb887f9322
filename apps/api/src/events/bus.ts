import { EventEmitter, on } from "node:events";
import type { Sql } from "@ringback/db/client";
import { EVENTS_CHANNEL, type StoredEvent } from "@ringback/db/queries/events";

/**
 * Fans Postgres NOTIFYs out to this process's subscribers. Every API process runs one, so an event
 * published by any process reaches a subscriber connected to any other.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly sql: Sql) {
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    const { unlisten } = await this.sql.listen(EVENTS_CHANNEL, (payload) => {
      const raw = JSON.parse(payload) as Omit<StoredEvent, "createdAt"> & { createdAt: string };
      this.emitter.emit(raw.userId, { ...raw, createdAt: new Date(raw.createdAt) } satisfies StoredEvent);
    });
    this.unlisten = unlisten;
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
  }

  /** Events for one person, buffered from the moment of the call until the signal aborts. */
  async *stream(userId: string, signal: AbortSignal | undefined): AsyncGenerator<StoredEvent> {
    try {
      for await (const [event] of on(this.emitter, userId, { signal })) yield event as StoredEvent;
    } catch (err) {
      if ((err as { name?: string }).name !== "AbortError") throw err;
    }
  }

  subscriberCount(): number {
    return this.emitter.eventNames().reduce((n, name) => n + this.emitter.listenerCount(name), 0);
  }
}
