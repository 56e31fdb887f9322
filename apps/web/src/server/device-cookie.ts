import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/*
 * The device cookie marks a browser that signed in to an account before. Sign-in throttling lets it
 * through while strangers guessing that account's password are slowed down, so an attack can never
 * lock the owner out. It is HttpOnly, long-lived, and signed with AUTH_SECRET over the device id and
 * the account it was issued for: it cannot be forged, and it vouches for that one account only.
 */
export const DEVICE_COOKIE = "ringback-device";
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

export type Device = { id: string; userId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mac(secret: string, id: string, userId: string): string {
  return createHmac("sha256", secret).update(`ringback-device-v1:${id}:${userId}`).digest("base64url");
}

/** The cookie value for a device: `id.userId.signature`. */
export function signDevice(secret: string, device: Device): string {
  return `${device.id}.${device.userId}.${mac(secret, device.id, device.userId)}`;
}

/** The device a cookie value vouches for, or null when it is missing, malformed or not ours. */
export function readDevice(secret: string, value: string | undefined): Device | null {
  if (!value) return null;
  const [id, userId, signature, ...rest] = value.split(".");
  if (!id || !userId || !signature || rest.length > 0 || !UUID.test(id) || !UUID.test(userId)) return null;
  const expected = Buffer.from(mac(secret, id, userId));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? { id, userId } : null;
}

/** The device to remember after `userId` signed in: the same id again if this browser had one for them. */
export function deviceAfterSignIn(current: Device | null, userId: string): Device {
  return current && current.userId === userId ? current : { id: randomUUID(), userId };
}

/** One cookie's value out of a Cookie header. */
export function cookieValue(header: string | undefined | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i >= 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/**
 * The client's address as this server saw it. Next puts the peer address last in
 * x-forwarded-for; earlier entries come from the client (or proxies) and could be forged, so only
 * the last one counts. Behind a reverse proxy that is the proxy's address: the per-address limit
 * then covers everyone behind it (the per-account limit and device cookies still apply).
 */
export function clientAddressFrom(forwardedFor: string | string[] | undefined | null): string {
  const raw = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const last = raw.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
  return last ? last.slice(0, 100) : "unknown";
}
