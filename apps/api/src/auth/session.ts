import { decode } from "next-auth/jwt";
import type { Database } from "@ringback/db/client";
import { findLiveSession, touchSession } from "@ringback/db/queries/sessions";

const COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** The signed-in person and the server-side session their cookie names. */
export type SessionUser = { id: string; sessionId: string };

/** How long a session lives without use; matches next-auth's cookie maxAge (its default, 30 days). */
export const SESSION_MAX_AGE_MS = 30 * 24 * 60 * 60_000;
// last_seen_at (and the sliding expiry) is written at most this often per session, not every request
const TOUCH_EVERY_MS = 5 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  // next-auth splits large tokens into name.0, name.1, ... chunks; only those are decoded, so another
  // app's malformed cookie on the same host (cookies ignore ports) cannot break our requests
  const jar = new Map<string, string>();
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const key = part.slice(0, i).trim();
    if (key !== name && !key.startsWith(`${name}.`)) continue;
    try {
      jar.set(key, decodeURIComponent(part.slice(i + 1).trim()));
    } catch {
      // an undecodable session cookie is the same as none
    }
  }
  const whole = jar.get(name);
  if (whole) return whole;
  const chunks: string[] = [];
  for (let n = 0; jar.has(`${name}.${n}`); n++) chunks.push(jar.get(`${name}.${n}`) ?? "");
  return chunks.length > 0 ? chunks.join("") : null;
}

/**
 * The signed-in person, from the next-auth session cookie the browser sends with every request.
 * The cookie counts only while the session row it names exists, belongs to the token's user and has
 * not expired: sign-out, a password change and account deletion delete rows, so an old cookie stops
 * working at once. Tokens without an expiry or a session id are refused. Anything else gives null:
 * the API trusts nothing else about identity.
 */
export async function userFromCookie(
  cookieHeader: string | undefined,
  secret: string,
  db: Database,
  now = new Date(),
): Promise<SessionUser | null> {
  for (const name of COOKIE_NAMES) {
    const token = readCookie(cookieHeader, name);
    if (!token) continue;
    let claims: { sub: string; sid: string } | null = null;
    try {
      const jwt = await decode({ token, secret });
      if (
        jwt &&
        typeof jwt.sub === "string" &&
        UUID.test(jwt.sub) &&
        typeof jwt.sid === "string" &&
        UUID.test(jwt.sid) &&
        typeof jwt.exp === "number" &&
        jwt.exp * 1000 > now.getTime()
      ) {
        claims = { sub: jwt.sub, sid: jwt.sid };
      }
    } catch {
      // an undecodable cookie is the same as no cookie
    }
    if (!claims) continue;
    const session = await findLiveSession(db, claims.sid, claims.sub, now);
    if (!session) continue;
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      await touchSession(db, session.id, now, new Date(now.getTime() - TOUCH_EVERY_MS), new Date(now.getTime() + SESSION_MAX_AGE_MS));
    }
    return { id: session.userId, sessionId: session.id };
  }
  return null;
}
