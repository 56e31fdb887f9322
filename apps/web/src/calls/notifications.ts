/*
 * Browser notifications for rings, messages and live voicemails that arrive while the tab is in the background. Permission is only
 * ever requested from a button the person pressed (see NotificationPrompt), never on page load.
 */

export function notificationsSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}

export function notificationPermission(): NotificationPermission | "unsupported" {
  return notificationsSupported() ? Notification.permission : "unsupported";
}

export async function requestNotificationPermission(): Promise<NotificationPermission | "unsupported"> {
  if (!notificationsSupported()) return "unsupported";
  return Notification.requestPermission();
}

/** Shows "X is calling" if allowed and the tab is hidden; returns a function that closes it. */
export function notifyRing(opts: { callId: string; title: string; body: string }): () => void {
  if (!notificationsSupported() || Notification.permission !== "granted" || document.visibilityState !== "hidden") {
    return () => {};
  }
  try {
    const notification = new Notification(opts.title, { body: opts.body, tag: `ring-${opts.callId}`, requireInteraction: true });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
    return () => notification.close();
  } catch {
    // Some browsers only allow notifications from a service worker; the in-page ring still works.
    return () => {};
  }
}

/**
 * Shows a message or live-voicemail notice if allowed and the tab is hidden; clicking it brings the
 * tab forward and calls `onClick` (open the message). Returns a function that closes it.
 */
export function notifyMessage(opts: { tag: string; title: string; body: string; onClick?: () => void }): () => void {
  if (!notificationsSupported() || Notification.permission !== "granted" || document.visibilityState !== "hidden") {
    return () => {};
  }
  try {
    const notification = new Notification(opts.title, { body: opts.body, tag: opts.tag });
    notification.onclick = () => {
      window.focus();
      opts.onClick?.();
      notification.close();
    };
    return () => notification.close();
  } catch {
    return () => {};
  }
}
