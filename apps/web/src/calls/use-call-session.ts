"use client";

import { useSyncExternalStore } from "react";
import { currentSession, subscribeSessions, type CallSession, type SessionSnapshot } from "./call-session";

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
