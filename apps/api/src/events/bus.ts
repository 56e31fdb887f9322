import { EventEmitter, on } from "node:events";
import type { Sql } from "@ringback/db/client";
import { EVENTS_CHANNEL, type StoredEvent } from "@ringback/db/queries/events";

/** Tells a stream that notifications may have been missed: re-read the stored events. */
export const RESYNC = Symbol("resync");

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
    let listening = false;
    const { unlisten } = await this.sql.listen(
      EVENTS_CHANNEL,
      (payload) => {
        const raw = JSON.parse(payload) as Omit<StoredEvent, "createdAt"> & { createdAt: string };
        this.emitter.emit(raw.userId, { ...raw, createdAt: new Date(raw.createdAt) } satisfies StoredEvent);
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
    // events.on() also listens for "error" on the emitter; that name is not a person
    for (const name of this.emitter.eventNames()) if (name !== "error") this.emitter.emit(name, RESYNC);
  }

  /** Events for one person, buffered from the moment of the call until the signal aborts. */
  async *stream(userId: string, signal: AbortSignal | undefined): AsyncGenerator<StoredEvent | typeof RESYNC> {
    try {
      for await (const [event] of on(this.emitter, userId, { signal })) yield event as StoredEvent | typeof RESYNC;
    } catch (err) {
      if ((err as { name?: string }).name !== "AbortError") throw err;
    }
  }

  subscriberCount(): number {
    return this.emitter.eventNames().reduce((n, name) => n + this.emitter.listenerCount(name), 0);
  }
}
