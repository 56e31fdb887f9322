import type { PushSupport } from "./push-device";

/** What Settings → Notifications on this device shows for this browser. */
export type NotificationsState =
  | { kind: "checking" }
  | { kind: "unsupported"; reason: Extract<PushSupport, { ok: false }>["reason"] }
  | { kind: "server-off" }
  | { kind: "blocked" }
  | { kind: "on" }
  | { kind: "off" }
  | { kind: "unknown"; error: unknown };

/**
 * The section's state from what the browser says (null until read after mount), the server's VAPID
 * key (undefined while loading; null: push is off there) and whether the server has this session's
 * subscription. "On" needs both sides: the browser's subscription and the server's row.
 */
export function notificationsState(input: {
  local: { support: PushSupport; permission: NotificationPermission; subscribed: boolean } | null;
  publicKey: { status: "pending" } | { status: "error"; error: unknown } | { status: "ready"; key: string | null };
  currentOnServer: boolean;
}): NotificationsState {
  const { local, publicKey } = input;
  if (!local || publicKey.status === "pending") return { kind: "checking" };
  // what the browser cannot do comes first: no server setting would change it
  if (!local.support.ok) return { kind: "unsupported", reason: local.support.reason };
  if (publicKey.status === "error") return { kind: "unknown", error: publicKey.error };
  if (publicKey.key === null) return { kind: "server-off" };
  if (local.permission === "denied") return { kind: "blocked" };
  return local.subscribed && input.currentOnServer ? { kind: "on" } : { kind: "off" };
}
