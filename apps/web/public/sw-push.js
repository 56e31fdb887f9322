/*
 * Web Push for Ringback, loaded by /sw.js with importScripts (a plain script: no exports, and no
 * fetch listener, which /sw.js owns).
 *
 * The API sends one encrypted JSON message per push (packages/core/src/push.ts, pushMessageSchema):
 *   { v: 1, kind: "ring" | "ring-over" | "missed" | "message", tag, title, body, url, callId?, messageId? }
 * Notifications about one call share a tag, so "Missed call from Ana" replaces "Ana is calling", and
 * "ring-over" (answered or declined on some device) closes it.
 */

const RINGBACK_ICON = "/icons/icon-192.png";

self.addEventListener("push", (event) => {
  event.waitUntil(handlePush(event));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openFromNotification(event.notification.data || {}));
});

async function handlePush(event) {
  let message = null;
  try {
    message = event.data ? event.data.json() : null;
  } catch {
    message = null;
  }
  if (!message || message.v !== 1 || typeof message.tag !== "string") {
    // a push must show something; a message this worker does not understand (an older worker after an
    // update of the API) still says where to look
    await self.registration.showNotification("Ringback", { body: "Open Ringback to see what’s new.", tag: "ringback", icon: RINGBACK_ICON });
    return;
  }

  const shown = await self.registration.getNotifications({ tag: message.tag });
  if (message.kind === "ring-over") {
    for (const notification of shown) notification.close();
    return;
  }
  // A focused Ringback window already rings and shows messages itself (and the browser does not ask
  // for a notification while the site is in front).
  if (await focusedRingbackWindow()) {
    if (message.kind === "missed") for (const notification of shown) notification.close();
    return;
  }

  const ring = message.kind === "ring";
  await self.registration.showNotification(message.title, {
    body: message.body,
    tag: message.tag,
    icon: RINGBACK_ICON,
    badge: RINGBACK_ICON,
    // a ring stays until it is dealt with; replacing it with the missed call does not make a second sound
    requireInteraction: ring,
    renotify: ring,
    vibrate: ring ? [400, 200, 400, 200, 400] : undefined,
    timestamp: Date.now(),
    data: { kind: message.kind, url: message.url, callId: message.callId, messageId: message.messageId },
  });
}

async function focusedRingbackWindow() {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  return windows.some((client) => client.focused && client.visibilityState === "visible");
}

/** Where a click goes: the incoming-call screen while the call still rings for me, else the url given. */
async function openFromNotification(data) {
  let path = typeof data.url === "string" && data.url.startsWith("/") ? data.url : "/calls";
  if (data.kind === "ring" && data.callId) {
    const ringing = await stillRinging(data.callId);
    path = ringing === false ? "/calls" : `/call/${data.callId}`;
  }
  let target = new URL(path, self.location.origin).href;
  // only ever a page of this site ("//other.host/x" is a path too, but leads elsewhere)
  if (new URL(target).origin !== self.location.origin) target = new URL("/calls", self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const exact = windows.find((client) => client.url === target);
  if (exact) return exact.focus();
  for (const client of windows) {
    if (new URL(client.url).origin !== self.location.origin || !("navigate" in client)) continue;
    try {
      // only a window this worker controls can be navigated; others fall through to a new window
      const navigated = await client.navigate(target);
      if (navigated) return navigated.focus();
    } catch {
      // not controlled by this worker
    }
  }
  return self.clients.openWindow(target);
}

/** true / false from the API (calls.get, with this browser's session cookie); null when it cannot tell. */
async function stillRinging(callId) {
  try {
    const input = encodeURIComponent(JSON.stringify({ json: { callId } }));
    const response = await fetch(`/api/trpc/calls.get?input=${input}`, {
      credentials: "same-origin",
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(4000),
    });
    if (!response.ok) return response.status === 404 ? false : null;
    const body = await response.json();
    const call = body && body.result && body.result.data ? body.result.data.json : null;
    return call ? call.myRing === "ringing" : null;
  } catch {
    // offline or slow: the call page decides (it rings, or goes back to Calls when the ring is over)
    return null;
  }
}
