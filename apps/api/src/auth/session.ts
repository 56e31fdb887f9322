import { decode } from "next-auth/jwt";

const COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export type SessionUser = { id: string };

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
 * Expired, tampered or foreign tokens give null: the API trusts nothing else about identity.
 */
export async function userFromCookie(cookieHeader: string | undefined, secret: string): Promise<SessionUser | null> {
  for (const name of COOKIE_NAMES) {
    const token = readCookie(cookieHeader, name);
    if (!token) continue;
    try {
      const jwt = await decode({ token, secret });
      if (jwt && typeof jwt.sub === "string" && (typeof jwt.exp !== "number" || jwt.exp * 1000 > Date.now())) {
        return { id: jwt.sub };
      }
    } catch {
      // an undecodable cookie is the same as no cookie
    }
  }
  return null;
}
