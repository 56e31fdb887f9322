import type { CallSession } from "./call-session";

/*
 * Which call session this tab has, without loading LiveKit: the Room lives in call-session.ts, which
 * is fetched only when a call screen needs it (see load-call-session.ts), while every signed-in page
 * (the incoming-call screen, the message recorder's hand-over) only asks whether a call is live.
 */

let current: CallSession | null = null;
const listeners = new Set<() => void>();

function changed(): void {
  for (const listener of listeners) listener();
}

export function currentSession(): CallSession | null {
  return current;
}

export function subscribeSessions(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Makes `session` the tab's live one; a live session of another call is hung up, on the server too. */
export function replaceSession(session: CallSession): void {
  const previous = current;
  current = session;
  if (previous && previous !== session) void previous.hangUp();
  changed();
}

/** Ends the session of this call if it is the live one. */
export async function endSession(callId: string): Promise<void> {
  if (!current || current.callId !== callId) return;
  const session = current;
  current = null;
  changed();
  await session.end();
}
