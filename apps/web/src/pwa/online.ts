"use client";

import { onlineManager } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

/*
 * One notion of "online" for the whole tab: TanStack Query's onlineManager, which already pauses
 * queries and mutations while offline and resumes them when the connection returns. It starts out
 * assuming "online" and only listens for changes, so a page opened offline (from the service
 * worker's cache) would fire every query into a dead network and end in error screens; it is told
 * the truth here, before the first query runs (this module loads with the root layout).
 */
if (typeof navigator !== "undefined") onlineManager.setOnline(navigator.onLine);

const subscribe = (onChange: () => void) => onlineManager.subscribe(onChange);
const snapshot = () => onlineManager.isOnline();
// The server has no idea; it renders the online page and the client corrects it after hydration.
const serverSnapshot = () => true;

/** False while the browser says it has no connection; the page re-renders when that changes. */
export function useOnline(): boolean {
  return useSyncExternalStore(subscribe, snapshot, serverSnapshot);
}
