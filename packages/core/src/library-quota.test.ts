import { describe, expect, it } from "vitest";
import { captureSummaryText, decideQuota, formatBytes, libraryFileName, libraryItemTitle } from "./library";

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

describe("decideQuota", () => {
  it("allows up to the quota exactly, and refuses a byte past it with what is used and what fits", () => {
    expect(decideQuota({ usedBytes: 0, addingBytes: 5 * GB, quotaBytes: 5 * GB })).toEqual({ ok: true });
    expect(decideQuota({ usedBytes: 4 * GB, addingBytes: GB, quotaBytes: 5 * GB })).toEqual({ ok: true });
    expect(decideQuota({ usedBytes: 4 * GB, addingBytes: GB + 1, quotaBytes: 5 * GB })).toEqual({
      ok: false,
      message: "Your Library is full (4 GB of 5 GB used). Delete something to make room.",
    });
  });

  it("refuses anything more once the Library is over its quota (a lowered quota), and allows adding nothing", () => {
    expect(decideQuota({ usedBytes: 6 * GB, addingBytes: 1, quotaBytes: 5 * GB }).ok).toBe(false);
    expect(decideQuota({ usedBytes: 5 * GB, addingBytes: 0, quotaBytes: 5 * GB }).ok).toBe(true);
  });
});

describe("formatBytes", () => {
  it("reads like a phone's storage screen", () => {
    expect(formatBytes(0)).toBe("0 KB");
    expect(formatBytes(-5)).toBe("0 KB");
    expect(formatBytes(300)).toBe("0 KB");
    expect(formatBytes(600)).toBe("1 KB");
    expect(formatBytes(340 * KB)).toBe("340 KB");
    expect(formatBytes(1023 * KB)).toBe("1023 KB");
    expect(formatBytes(MB)).toBe("1 MB");
    expect(formatBytes(12.54 * MB)).toBe("12.5 MB");
    expect(formatBytes(99.94 * MB)).toBe("99.9 MB");
    expect(formatBytes(150 * MB)).toBe("150 MB");
    expect(formatBytes(1.2 * GB)).toBe("1.2 GB");
    expect(formatBytes(5 * GB)).toBe("5 GB");
    expect(formatBytes(2048 * GB)).toBe("2 TB");
  });
});

const person = (displayName: string) => ({ id: displayName, displayName, handle: displayName.toLowerCase() });

describe("libraryItemTitle", () => {
  it("names each kind the way its link reads", () => {
    expect(libraryItemTitle({ kind: "live-photo", messageKind: null, messageDirection: null, people: [person("Ana")] })).toBe("Live Photo of Ana");
    expect(libraryItemTitle({ kind: "recording", messageKind: null, messageDirection: null, people: [person("Ana"), person("Bo"), person("Cy")] })).toBe("Recording with Ana, Bo and Cy");
    expect(libraryItemTitle({ kind: "recording", messageKind: null, messageDirection: null, people: [] })).toBe("Recording");
    expect(libraryItemTitle({ kind: "saved-message", messageKind: "video", messageDirection: "received", people: [person("Ana")] })).toBe("Video message from Ana");
    expect(libraryItemTitle({ kind: "saved-message", messageKind: "voicemail", messageDirection: "received", people: [person("Ana")] })).toBe("Voicemail from Ana");
    expect(libraryItemTitle({ kind: "saved-message", messageKind: "voicemail", messageDirection: "sent", people: [person("Ana")] })).toBe("Voicemail to Ana");
  });
});

describe("libraryFileName", () => {
  const at = new Date("2026-11-26T15:41:59Z");
  it("puts the local time of the capture after the title", () => {
    expect(libraryFileName("Live Photo of Ana", at, ".jpg")).toBe("Live Photo of Ana 2026-11-26 15-41.jpg");
    expect(libraryFileName("Live Photo of Ana", at, "jpg", "Europe/Berlin")).toBe("Live Photo of Ana 2026-11-26 16-41.jpg");
    expect(libraryFileName("Recording with Ana", new Date("2026-11-26T23:30:00Z"), ".webm", "Asia/Tokyo")).toBe("Recording with Ana 2026-11-27 08-30.webm");
  });
  it("falls back to UTC for an unknown zone and keeps names safe on any file system", () => {
    expect(libraryFileName("Voicemail from A/B: \"x\"", at, ".webm", "Nowhere/Else")).toBe("Voicemail from A B x 2026-11-26 15-41.webm");
    expect(libraryFileName("  ", at, ".??")).toBe("Library item 2026-11-26 15-41.bin");
    expect(libraryFileName("Live Photo of Zoë", at, ".JPG")).toBe("Live Photo of Zoë 2026-11-26 15-41.jpg");
  });
});

describe("captureSummaryText", () => {
  const by = { id: "a", displayName: "Ana" };
  it("says who captured what, and 'You' for my own", () => {
    expect(captureSummaryText({ kind: "live-photo", by, mine: false, count: 1, itemId: null })).toBe("Ana took a Live Photo of you");
    expect(captureSummaryText({ kind: "live-photo", by, mine: false, count: 3, itemId: null })).toBe("Ana took 3 Live Photos of you");
    expect(captureSummaryText({ kind: "live-photo", by, mine: true, count: 1, itemId: "x" })).toBe("You took a Live Photo");
    expect(captureSummaryText({ kind: "live-photo", by, mine: true, count: 2, itemId: "x" })).toBe("You took 2 Live Photos");
    expect(captureSummaryText({ kind: "recording", by, mine: false, count: 1, itemId: null })).toBe("Ana recorded this call");
    expect(captureSummaryText({ kind: "recording", by, mine: true, count: 1, itemId: "x" })).toBe("You recorded this call");
    expect(captureSummaryText({ kind: "recording", by, mine: true, count: 2, itemId: "x" })).toBe("You recorded this call twice");
    expect(captureSummaryText({ kind: "recording", by, mine: false, count: 3, itemId: null })).toBe("Ana recorded this call 3 times");
  });
});
