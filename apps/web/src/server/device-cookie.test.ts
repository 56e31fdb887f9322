import { describe, expect, it } from "vitest";
import { clientAddressFrom, cookieValue, deviceAfterSignIn, readDevice, signDevice } from "./device-cookie";

const secret = "test-secret-test-secret-test-secret-0123";
const device = { id: "3f2b8c1e-9a4d-4e5f-8b7a-1c2d3e4f5a6b", userId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" };

describe("device cookie", () => {
  it("reads back what it signed", () => {
    expect(readDevice(secret, signDevice(secret, device))).toEqual(device);
  });
  it("refuses a forged, re-bound or foreign cookie", () => {
    const value = signDevice(secret, device);
    const [id, , mac] = value.split(".");
    // the same signature moved to another account
    expect(readDevice(secret, `${id}.3f2b8c1e-9a4d-4e5f-8b7a-000000000000.${mac}`)).toBeNull();
    expect(readDevice(secret, `${value.slice(0, -2)}AA`)).toBeNull();
    expect(readDevice("another-secret-another-secret-another-1", value)).toBeNull();
    for (const junk of [undefined, "", "a.b.c", `${value}.x`, "not-a-uuid.also-not.sig"]) expect(readDevice(secret, junk)).toBeNull();
  });
  it("keeps a browser's device id for the same account and starts a new one for another", () => {
    expect(deviceAfterSignIn(device, device.userId)).toBe(device);
    const other = deviceAfterSignIn(device, "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e");
    expect(other.userId).toBe("5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e");
    expect(other.id).not.toBe(device.id);
    expect(deviceAfterSignIn(null, device.userId).id).toMatch(/^[0-9a-f-]{36}$/);
  });
  it("finds one cookie in a Cookie header", () => {
    expect(cookieValue("a=1; ringback-device=xyz; b=2", "ringback-device")).toBe("xyz");
    expect(cookieValue("ringback-device-old=1", "ringback-device")).toBeUndefined();
    expect(cookieValue(undefined, "ringback-device")).toBeUndefined();
  });
});

describe("clientAddressFrom", () => {
  it("takes the entry the nearest hop added (the last one)", () => {
    expect(clientAddressFrom("203.0.113.9")).toBe("203.0.113.9");
    expect(clientAddressFrom("1.2.3.4, 198.51.100.7")).toBe("198.51.100.7");
    expect(clientAddressFrom(["1.2.3.4", "::1"])).toBe("::1");
    expect(clientAddressFrom(undefined)).toBe("unknown");
    expect(clientAddressFrom(" , ")).toBe("unknown");
  });
});
