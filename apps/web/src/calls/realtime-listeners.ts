"use client";

import { useEffect, useRef } from "react";
import type { RealtimeEvent, RealtimeEventType } from "@ringback/core/events";

type Listener = (event: RealtimeEvent) => void;

// The tab's one event stream (CallEventsProvider) hands every parsed event here, so a feature can
// react to its own events without the provider knowing about it.
const listeners = new Set<Listener>();

/** Delivers one parsed realtime event to every listener (called by CallEventsProvider only). */
export function emitRealtimeEvent(event: RealtimeEvent): void {
  for (const listener of listeners) listener(event);
}

/** Calls `handler` for each realtime event of `type` while the component is mounted. */
export function useRealtimeEvent<T extends RealtimeEventType>(type: T, handler: (event: Extract<RealtimeEvent, { type: T }>) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const listener: Listener = (event) => {
      if (event.type === type) latest.current(event as Extract<RealtimeEvent, { type: T }>);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [type]);
}
