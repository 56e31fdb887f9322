import type { CallSession } from "~/calls/call-session";
import { currentSession, subscribeSessions } from "~/calls/session-registry";

/**
 * Resolves once this tab's call session for `callId` is connected with its media out (or gave up),
 * or after `timeoutMs`: the voicemail's own connection can then leave without a gap in the
 * caller's voice.
 */
export function whenCallConnected(callId: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    let watched: CallSession | null = null;
    let unwatch: (() => void) | null = null;
    const finish = () => {
      window.clearTimeout(timer);
      unsubscribe();
      unwatch?.();
      resolve();
    };
    const check = () => {
      const session = currentSession();
      if (session !== watched) {
        unwatch?.();
        unwatch = null;
        watched = session && session.callId === callId ? session : null;
        if (watched) unwatch = watched.subscribe(check);
      }
      const phase = watched?.getSnapshot().phase;
      if (phase === "connected" || phase === "failed" || phase === "disconnected") finish();
    };
    const timer = window.setTimeout(finish, timeoutMs);
    const unsubscribe = subscribeSessions(check);
    check();
  });
}
