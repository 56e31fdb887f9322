import { describe, expect, it } from "vitest";
import {
  DEFAULT_SETTINGS,
  RING_TIMEOUT_MAX_SECONDS,
  RING_TIMEOUT_MIN_SECONDS,
  type Settings,
  applySettingsUpdate,
  settingsSchema,
  settingsUpdateInput,
} from "./settings";

const full: Settings = { displayName: "Ann", ...DEFAULT_SETTINGS };

describe("DEFAULT_SETTINGS", () => {
  it("matches the contract defaults", () => {
    expect(DEFAULT_SETTINGS).toEqual({
      acceptCalls: true,
      ringTimeoutSeconds: 30,
      silenceUnknownCallers: false,
      liveVoicemail: true,
      acceptMessages: true,
      allowLivePhotos: true,
      allowRecording: false,
      discoverableByEmail: true,
    });
    expect([RING_TIMEOUT_MIN_SECONDS, RING_TIMEOUT_MAX_SECONDS]).toEqual([30, 60]);
  });
  it("plus a display name is a valid settings object", () => {
    expect(settingsSchema.parse(full)).toEqual(full);
  });
});

describe("settingsSchema", () => {
  const msg = "Ring timeout must be between 30 and 60 seconds";
  it.each([[30], [45], [60]])("accepts a ring timeout of %d", (ringTimeoutSeconds) => {
    expect(settingsSchema.safeParse({ ...full, ringTimeoutSeconds }).success).toBe(true);
  });
  it.each([[29], [61], [30.5], ["30"]])("rejects a ring timeout of %j", (ringTimeoutSeconds) => {
    const result = settingsSchema.safeParse({ ...full, ringTimeoutSeconds });
    expect(result.error?.issues.map((i) => i.message)).toEqual([msg]);
  });
  it("validates and trims the display name", () => {
    expect(settingsSchema.parse({ ...full, displayName: "  Bo " }).displayName).toBe("Bo");
    const result = settingsSchema.safeParse({ ...full, displayName: "" });
    expect(result.error?.issues.map((i) => i.message)).toEqual(["Display name must be 1 to 60 characters"]);
  });
  it("requires every boolean", () => {
    const { allowRecording: _dropped, ...missing } = full;
    expect(settingsSchema.safeParse(missing).success).toBe(false);
    expect(settingsSchema.safeParse({ ...full, acceptCalls: "yes" }).success).toBe(false);
  });
});

describe("settingsUpdateInput", () => {
  it("accepts any single key", () => {
    expect(settingsUpdateInput.parse({ allowRecording: true })).toEqual({ allowRecording: true });
    expect(settingsUpdateInput.parse({ acceptCalls: false })).toEqual({ acceptCalls: false });
  });
  it("still validates the keys it gets", () => {
    const result = settingsUpdateInput.safeParse({ ringTimeoutSeconds: 90 });
    expect(result.error?.issues.map((i) => i.message)).toEqual(["Ring timeout must be between 30 and 60 seconds"]);
  });
  it.each([[{}], [{ displayName: undefined }], [{ unknownKey: true }]])("rejects %j as nothing to update", (v) => {
    const result = settingsUpdateInput.safeParse(v);
    expect(result.error?.issues.map((i) => i.message)).toEqual(["Nothing to update"]);
  });
});

describe("applySettingsUpdate", () => {
  it("changes only the keys given and returns a new object", () => {
    const next = applySettingsUpdate(full, { ringTimeoutSeconds: 45, silenceUnknownCallers: true });
    expect(next).toEqual({ ...full, ringTimeoutSeconds: 45, silenceUnknownCallers: true });
    expect(next).not.toBe(full);
    expect(full.ringTimeoutSeconds).toBe(30);
  });
  it("applies every key", () => {
    const everything: Settings = {
      displayName: "Bo",
      acceptCalls: false,
      ringTimeoutSeconds: 60,
      silenceUnknownCallers: true,
      liveVoicemail: false,
      acceptMessages: false,
      allowLivePhotos: false,
      allowRecording: true,
      discoverableByEmail: false,
    };
    expect(applySettingsUpdate(full, everything)).toEqual(everything);
  });
  it("never lets an explicit undefined erase a setting", () => {
    const next = applySettingsUpdate(full, {
      displayName: undefined,
      acceptCalls: undefined,
      ringTimeoutSeconds: undefined,
      silenceUnknownCallers: undefined,
      liveVoicemail: undefined,
      acceptMessages: undefined,
      allowLivePhotos: undefined,
      allowRecording: true,
    });
    expect(next).toEqual({ ...full, allowRecording: true });
  });
});
