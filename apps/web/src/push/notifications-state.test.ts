import { describe, expect, it } from "vitest";
import { notificationsState } from "./notifications-state";

const ready = { status: "ready" as const, key: "BKEY" };
const browser = (over: Partial<{ permission: NotificationPermission; subscribed: boolean }> = {}) => ({
  support: { ok: true as const },
  permission: "granted" as NotificationPermission,
  subscribed: true,
  ...over,
});

describe("notificationsState", () => {
  it("is on only when this browser is subscribed and the server has this device", () => {
    expect(notificationsState({ local: browser(), publicKey: ready, currentOnServer: true })).toEqual({ kind: "on" });
    // removed in Settings elsewhere, or dropped after a 410: the browser's subscription alone is not "on"
    expect(notificationsState({ local: browser(), publicKey: ready, currentOnServer: false })).toEqual({ kind: "off" });
    // made through the API, or the browser lost it: the server's row alone is not "on" either
    expect(notificationsState({ local: browser({ subscribed: false }), publicKey: ready, currentOnServer: true })).toEqual({ kind: "off" });
  });

  it("checks before it says anything", () => {
    expect(notificationsState({ local: null, publicKey: ready, currentOnServer: true })).toEqual({ kind: "checking" });
    expect(notificationsState({ local: browser(), publicKey: { status: "pending" }, currentOnServer: true })).toEqual({ kind: "checking" });
  });

  it("says what the browser can't do before what the server lacks, and the server before the permission", () => {
    const insecure = { support: { ok: false as const, reason: "insecure" as const }, permission: "denied" as const, subscribed: false };
    expect(notificationsState({ local: insecure, publicKey: { status: "ready", key: null }, currentOnServer: false })).toEqual({
      kind: "unsupported",
      reason: "insecure",
    });
    expect(notificationsState({ local: browser({ permission: "denied" }), publicKey: { status: "ready", key: null }, currentOnServer: false })).toEqual({
      kind: "server-off",
    });
    expect(notificationsState({ local: browser({ permission: "denied" }), publicKey: ready, currentOnServer: true })).toEqual({ kind: "blocked" });
    const error = new Error("offline");
    expect(notificationsState({ local: browser(), publicKey: { status: "error", error }, currentOnServer: false })).toEqual({ kind: "unknown", error });
  });

  it("offers Turn on while the browser has not been asked", () => {
    expect(notificationsState({ local: browser({ permission: "default", subscribed: false }), publicKey: ready, currentOnServer: false })).toEqual({
      kind: "off",
    });
  });
});
