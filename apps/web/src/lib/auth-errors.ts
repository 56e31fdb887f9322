import { describeWait } from "@ringback/core/throttle";

// The error code sign-in passes from the server's authorize() to the form when the API throttles,
// with the seconds to wait: "TooManyAttempts:8".
const TOO_MANY_ATTEMPTS = "TooManyAttempts";

export function tooManyAttemptsError(retryAfterSeconds: number): string {
  return `${TOO_MANY_ATTEMPTS}:${Math.max(1, Math.ceil(retryAfterSeconds))}`;
}

/** The sentence to show for a next-auth sign-in error, or null when it is not a throttle. */
export function tooManyAttemptsMessage(error: string): string | null {
  const [code, seconds] = error.split(":");
  if (code !== TOO_MANY_ATTEMPTS) return null;
  const n = Number(seconds);
  return `Too many sign-in attempts. Try again in ${describeWait(Number.isFinite(n) && n > 0 ? n : 60)}.`;
}
