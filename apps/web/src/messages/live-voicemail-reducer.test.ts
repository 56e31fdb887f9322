import { describe, expect, it } from "vitest";
import type { LiveSegment } from "@ringback/core/messages";
import { liveVoicemailReducer, needsSnapshot, noLiveVoicemail, type LiveVoicemailAction, type LiveVoicemailState } from "./live-voicemail-reducer";

const ana = { id: "u-ana", displayName: "Ana", handle: "ana" };
const seg = (id: number, text: string, final = false): LiveSegment => ({ id, text, final, startMs: id * 1000, endMs: id * 1000 + 900 });
const run = (...actions: LiveVoicemailAction[]): LiveVoicemailState => actions.reduce(liveVoicemailReducer, noLiveVoicemail);
const started = (messageId = "m1"): LiveVoicemailAction => ({ type: "started", messageId, callId: "c1", from: ana, startedAt: new Date(0) });
const words = (s: LiveVoicemailState) => s.current?.segments.map((x) => x.text).join(" ");

describe("liveVoicemailReducer", () => {
  it("shows words as they come, a newer version of a segment replacing the older", () => {
    const s = run(started(), { type: "transcript", messageId: "m1", segments: [seg(0, "Hi")] }, { type: "transcript", messageId: "m1", segments: [seg(0, "Hi Bo,", true), seg(1, "dinner")] });
    expect(words(s)).toBe("Hi Bo, dinner");
    expect(s.current?.segments[0]?.final).toBe(true);
  });

  it("keeps words that arrived before the tab knew who is calling, and merges the snapshot", () => {
    let s = run({ type: "transcript", messageId: "m1", segments: [seg(2, "tonight")] });
    expect(s.current).toBeNull();
    expect(needsSnapshot(s, "m1")).toBe(true);
    s = liveVoicemailReducer(s, { type: "snapshot", messageId: "m1", active: true, from: ana, segments: [seg(0, "Hi", true), seg(1, "about dinner", true)] });
    expect(s.current?.from.displayName).toBe("Ana");
    expect(words(s)).toBe("Hi about dinner tonight");
    expect(needsSnapshot(s, "m1")).toBe(false);
  });

  it("drops a snapshot that says the voicemail is already over", () => {
    const s = run({ type: "transcript", messageId: "m1", segments: [seg(0, "Hi")] }, { type: "snapshot", messageId: "m1", active: false, from: ana, segments: [] });
    expect(s.current).toBeNull();
    expect(s.early).toBeNull();
  });

  it("says the voicemail ended when it was sent, until it is a message (its toast takes over)", () => {
    let s = run(started(), { type: "ended", messageId: "m1", reason: "sent" });
    expect(s.current?.phase).toBe("ended");
    expect(s.current?.endedReason).toBe("sent");
    s = liveVoicemailReducer(s, { type: "ready", messageId: "m1" });
    expect(s.current).toBeNull();
  });

  it("closes at once when it was picked up (in another tab), and ignores its late words", () => {
    const s = run(started(), { type: "ended", messageId: "m1", reason: "picked-up" }, { type: "transcript", messageId: "m1", segments: [seg(5, "late")] });
    expect(s.current).toBeNull();
    expect(s.early).toBeNull();
  });

  it("stays closed after Dismiss, even if the start event comes late", () => {
    const s = run(started(), { type: "close", messageId: "m1" }, started(), { type: "transcript", messageId: "m1", segments: [seg(0, "x")] });
    expect(s.current).toBeNull();
    expect(needsSnapshot(s, "m1")).toBe(false);
  });

  it("does not let a second voicemail replace one still being left, but replaces an ended one", () => {
    let s = run(started("m1"), started("m2"));
    expect(s.current?.messageId).toBe("m1");
    s = run(started("m1"), { type: "ended", messageId: "m1", reason: "abandoned" }, started("m2"));
    expect(s.current?.messageId).toBe("m2");
  });
});
