/*
 * What the Live Photo shutter shows, from who it would capture and what the API said: enabled, or
 * disabled with the sentence that explains why (its accessible description).
 */

export type Availability = { subjects: Array<{ userId: string; displayName: string; allowed: boolean; reason: string | null }> };

export type ShutterState = { allowed: boolean; reason: string | null };

export const SELECT_SOMEONE = "Select someone's tile to take a Live Photo";

/** The shutter's state for `subjectId` (null: a group call with no tile focused). */
export function shutterState(input: {
  subjectId: string | null;
  subjectName: string;
  availability: Availability | null;
  loading: boolean;
  /** the subject's camera is on and its picture has reached this browser */
  hasVideo: boolean;
}): ShutterState {
  if (!input.subjectId) return { allowed: false, reason: SELECT_SOMEONE };
  if (!input.availability) return { allowed: false, reason: input.loading ? "Checking whether Live Photos are allowed…" : "Live Photos aren't available right now" };
  const entry = input.availability.subjects.find((s) => s.userId === input.subjectId);
  // connected here, not yet known to the server as connected (it hears from LiveKit a moment later)
  if (!entry) return { allowed: false, reason: `Waiting for ${input.subjectName} to connect` };
  if (!entry.allowed) return { allowed: false, reason: entry.reason ?? `You can't take a Live Photo of ${entry.displayName}` };
  if (!input.hasVideo) return { allowed: false, reason: `${entry.displayName}'s camera is off` };
  return { allowed: true, reason: null };
}
