"use client";

import { useSyncExternalStore } from "react";
import type { CallSession, SessionSnapshot } from "./call-session";
import { currentSession, subscribeSessions } from "./session-registry";

const noop = () => () => {};

/** The tab's live session for this call, or null. */
export function useCallSessionFor(callId: string): CallSession | null {
  const session = useSyncExternalStore(subscribeSessions, currentSession, () => null);
  return session && session.callId === callId ? session : null;
}

/** Re-renders on the session's own changes (phase, mic, camera, sharing). */
export function useSessionSnapshot(session: CallSession | null): SessionSnapshot | null {
  return useSyncExternalStore(session ? session.subscribe : noop, () => (session ? session.getSnapshot() : null), () => null);
}
