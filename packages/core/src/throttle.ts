/**
 * Growing delays for guessing (sign-in): the first `freeAttempts` failures in a window cost nothing;
 * after that each further attempt must wait 2^(failures - freeAttempts) seconds after the last one,
 * up to `capSeconds`. A fixed lockout would let anyone lock a person out; a delay only slows guessing.
 */
export type BackoffRule = { freeAttempts: number; capSeconds: number };

/** Seconds until the next attempt is allowed (0: allowed now). `now` is passed in so tests need no clock. */
export function backoffSeconds(rule: BackoffRule, failures: number, lastFailureAt: Date | null, now: Date): number {
  if (failures < rule.freeAttempts || !lastFailureAt) return 0;
  const delay = Math.min(2 ** (failures - rule.freeAttempts), rule.capSeconds);
  const waited = (now.getTime() - lastFailureAt.getTime()) / 1000;
  return waited >= delay ? 0 : Math.ceil(delay - waited);
}

/** "30 seconds", "1 minute", "15 minutes": how long to wait, said the way a person would. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}
