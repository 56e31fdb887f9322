/*
 * This browser's side of Web Push: whether it can receive pushes, the permission, and its
 * PushSubscription. The service worker is /sw.js (src/pwa registers it in production builds; it
 * imports /sw-push.js, which shows the notifications). Nothing here asks for permission except
 * `subscribeThisDevice`, which only runs from a button the person pressed.
 */

export type PushSupport =
  | { ok: true }
  /** no service worker / PushManager / Notification here, or not a secure page */
  | { ok: false; reason: "insecure" | "unsupported" | "ios-not-installed" };

/** Whether this browser, on this page, can receive pushes at all. */
export function pushSupport(): PushSupport {
  if (typeof window === "undefined") return { ok: false, reason: "unsupported" };
  if (!window.isSecureContext) return { ok: false, reason: "insecure" };
  const hasApis = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (hasApis) return { ok: true };
  // Safari on iPhone and iPad offers push only to a Ringback added to the Home Screen
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent);
  return { ok: false, reason: ios ? "ios-not-installed" : "unsupported" };
}

/** The notification permission as it stands ("default": not asked yet). */
export function pushPermission(): NotificationPermission {
  return typeof Notification === "undefined" ? "denied" : Notification.permission;
}

const SW_URL = "/sw.js";
const READY_TIMEOUT_MS = 10_000;

/** The service worker registration, registering /sw.js (as src/pwa does) when the page has not yet. */
async function registration(): Promise<ServiceWorkerRegistration> {
  const existing = await navigator.serviceWorker.getRegistration("/");
  if (!existing) await navigator.serviceWorker.register(SW_URL, { scope: "/", updateViaCache: "none" });
  return withTimeout(navigator.serviceWorker.ready, READY_TIMEOUT_MS, "The notification service worker didn’t start. Reload the page and try again.");
}

/** This browser's current subscription, if it has one (without registering anything). */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupport().ok) return null;
  const reg = await navigator.serviceWorker.getRegistration("/");
  return (await reg?.pushManager.getSubscription()) ?? null;
}

/** What the API's push.subscribe takes. */
export type SubscriptionInput = { endpoint: string; keys: { p256dh: string; auth: string } };

export class PushSetupError extends Error {
  constructor(
    message: string,
    readonly kind: "denied" | "dismissed" | "push-service" | "worker",
  ) {
    super(message);
  }
}

/**
 * Asks for permission (the browser's prompt) and subscribes this browser with the server's VAPID
 * key. A subscription made with another key (the server's keys changed) is replaced.
 */
export async function subscribeThisDevice(publicKey: string): Promise<SubscriptionInput> {
  const permission = await Notification.requestPermission();
  if (permission === "denied") throw new PushSetupError("Notifications are blocked for Ringback in this browser’s settings.", "denied");
  if (permission !== "granted") throw new PushSetupError("Notifications weren’t allowed. Press Turn on again to choose Allow.", "dismissed");
  let reg: ServiceWorkerRegistration;
  try {
    reg = await registration();
  } catch (error) {
    throw new PushSetupError(error instanceof Error ? error.message : "The notification service worker didn’t start.", "worker");
  }
  const key = base64urlToBytes(publicKey);
  const existing = await reg.pushManager.getSubscription();
  if (existing && !sameKey(existing.options.applicationServerKey, key)) await existing.unsubscribe();
  let subscription: PushSubscription;
  try {
    subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    const detail = message ? ` The browser said: “${message}”.` : "";
    // Chromium in a private (incognito or guest) window refuses with "permission denied" even when
    // notifications are allowed; without its push service (blocked network) it says "push service error"
    if (/permission denied/i.test(message) || (error instanceof DOMException && error.name === "NotAllowedError")) {
      throw new PushSetupError(`This browser doesn’t allow push notifications in this window (private and guest windows don’t).${detail}`, "push-service");
    }
    throw new PushSetupError(`This browser couldn’t reach its push service, so notifications can’t be turned on here right now. Try again later.${detail}`, "push-service");
  }
  const json = subscription.toJSON();
  const p256dh = json.keys?.p256dh;
  const auth = json.keys?.auth;
  if (!json.endpoint || !p256dh || !auth) throw new PushSetupError("This browser gave an incomplete push subscription.", "push-service");
  return { endpoint: json.endpoint, keys: { p256dh, auth } };
}

/** Stops this browser's subscription at its push service (the server's row is removed separately). */
export async function unsubscribeThisDevice(): Promise<void> {
  const subscription = await currentSubscription();
  await subscription?.unsubscribe();
}

function base64urlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(value.length / 4) * 4, "=");
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function sameKey(current: ArrayBuffer | null | undefined, wanted: Uint8Array): boolean {
  if (!current) return false;
  const a = new Uint8Array(current);
  return a.length === wanted.length && a.every((byte, i) => byte === wanted[i]);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = window.setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        window.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        window.clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
