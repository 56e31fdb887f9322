import { createHash } from "node:crypto";
import { backoffSeconds, type BackoffRule } from "@ringback/core/throttle";
import type { Database } from "@ringback/db/client";
import { removeThrottleHits, takeThrottle, type ThrottleSlot } from "@ringback/db/queries/throttle";

/** Failures count for a day; older ones are pruned hourly (maintenance). */
export const SIGN_IN_WINDOW_MS = 24 * 60 * 60_000;
// Guesses for one account from browsers it never signed in on: 10 free, then 1 s, 2 s, 4 s ... 15 min.
const ACCOUNT_RULE: BackoffRule = { freeAttempts: 10, capSeconds: 15 * 60 };
// One address trying many accounts; higher, because people behind one NAT share an address.
const ADDRESS_RULE: BackoffRule = { freeAttempts: 30, capSeconds: 15 * 60 };
// A browser that signed in to this account before: only its own guesses slow it down.
const DEVICE_RULE: BackoffRule = { freeAttempts: 10, capSeconds: 15 * 60 };

export type SignInAttempt =
  | { allowed: true; /** call when the password was right: a success is not a failure */ succeeded: () => Promise<void> }
  | { allowed: false; retryAfterSeconds: number };

// emails are hashed so the table never holds addresses of people who have no account
const accountKey = (email: string) => createHash("sha256").update(email).digest("hex");

/**
 * Decides whether a password may be checked now. Each allowed attempt counts as a failure until
 * `succeeded()` takes it back, so parallel guesses cannot all get through before any is counted.
 * A browser trusted for this account (device cookie) is judged by its own failures only: guessing
 * from elsewhere can slow strangers down but never lock the owner out.
 */
export async function beginSignInAttempt(
  db: Database,
  who: { email: string; clientAddress: string; trustedDeviceId: string | null },
  now: Date,
): Promise<SignInAttempt> {
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  const slots: Array<ThrottleSlot & { rule: BackoffRule }> = who.trustedDeviceId
    ? [{ bucket: "sign-in:device", key: who.trustedDeviceId, since, rule: DEVICE_RULE }]
    : [
        { bucket: "sign-in:address", key: who.clientAddress, since, rule: ADDRESS_RULE },
        { bucket: "sign-in:account", key: accountKey(who.email), since, rule: ACCOUNT_RULE },
      ];
  let wait = 0;
  const result = await takeThrottle(db, slots, now, (states) => {
    wait = Math.max(0, ...states.map((s, i) => backoffSeconds(slots[i]?.rule ?? ACCOUNT_RULE, s.count, s.lastAt, now)));
    return wait === 0;
  });
  if (!result.allowed) return { allowed: false, retryAfterSeconds: wait };
  return { allowed: true, succeeded: () => removeThrottleHits(db, result.hitIds) };
}

/** Wrong current passwords in Settings: 5 free, then growing delays, per session. */
const PASSWORD_CHANGE_RULE: BackoffRule = { freeAttempts: 5, capSeconds: 15 * 60 };

/**
 * Counted per session, not per account: whoever holds a stolen session cookie could otherwise keep
 * the account's limit used up and stop the owner from changing the password, the one thing that
 * ends the thief's session. A session comes only from a sign-in with the password, so a guesser
 * cannot get themselves fresh limits.
 */
export async function beginPasswordCheck(db: Database, sessionId: string, now: Date): Promise<SignInAttempt> {
  const slot = { bucket: "password-change", key: sessionId, since: new Date(now.getTime() - SIGN_IN_WINDOW_MS) };
  let wait = 0;
  const result = await takeThrottle(db, [slot], now, ([s]) => {
    wait = s ? backoffSeconds(PASSWORD_CHANGE_RULE, s.count, s.lastAt, now) : 0;
    return wait === 0;
  });
  if (!result.allowed) return { allowed: false, retryAfterSeconds: wait };
  return { allowed: true, succeeded: () => removeThrottleHits(db, result.hitIds) };
}

/** New accounts per client address: 10 a day free, then growing delays up to 15 minutes. */
const SIGN_UP_RULE: BackoffRule = { freeAttempts: 10, capSeconds: 15 * 60 };

/**
 * Decides whether a sign-up may run now. Every attempt that gets this far counts, successful or not:
 * each costs a full password hash (the CPU a flood would burn), and a refused one says whether an
 * email has an account (what a prober wants). Input that fails validation never gets here.
 */
export async function beginSignUp(db: Database, clientAddress: string, now: Date): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  const slot = { bucket: "sign-up:address", key: clientAddress, since: new Date(now.getTime() - SIGN_IN_WINDOW_MS) };
  let wait = 0;
  const result = await takeThrottle(db, [slot], now, ([s]) => {
    wait = s ? backoffSeconds(SIGN_UP_RULE, s.count, s.lastAt, now) : 0;
    return wait === 0;
  });
  return result.allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: wait };
}
