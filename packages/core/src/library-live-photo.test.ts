import { describe, expect, it } from "vitest";
import { decideLivePhoto, livePhotoRefusalText, type LivePhotoDecision } from "./library";

type Input = Parameters<typeof decideLivePhoto>[0];

/** Every combination of the six flags a Live Photo depends on. */
function allCases(): Input[] {
  const cases: Input[] = [];
  for (let bits = 0; bits < 64; bits++) {
    const bit = (i: number) => (bits & (1 << i)) !== 0;
    cases.push({
      callKind: bit(0) ? "video" : "audio",
      callLive: bit(1),
      takerPresent: bit(2),
      subjectPresent: bit(3),
      taker: { allowLivePhotos: bit(4) },
      subject: { allowLivePhotos: bit(5) },
    });
  }
  return cases;
}

const observed = (d: LivePhotoDecision) => (d.ok ? "allowed" : d.reason);

describe("decideLivePhoto", () => {
  it("allows exactly a live video call with both connected and both allowing", () => {
    for (const c of allCases()) {
      const expected = c.callKind === "video" && c.callLive && c.takerPresent && c.subjectPresent && c.taker.allowLivePhotos && c.subject.allowLivePhotos;
      expect(decideLivePhoto(c).ok, JSON.stringify(c)).toBe(expected);
    }
  });

  it("tells someone not in the call with the subject nothing about anyone's setting or the call's kind", () => {
    for (const c of allCases()) {
      if (c.callLive && c.takerPresent && c.subjectPresent) continue;
      expect(decideLivePhoto(c), JSON.stringify(c)).toEqual({ ok: false, reason: "not-in-call" });
    }
  });

  it("names the first thing in the way, in the order presence, video, the taker's setting, the subject's setting", () => {
    for (const c of allCases()) {
      const reason = observed(decideLivePhoto(c));
      const together = c.callLive && c.takerPresent && c.subjectPresent;
      if (!together) expect(reason).toBe("not-in-call");
      else if (c.callKind === "audio") expect(reason).toBe("audio-call");
      else if (!c.taker.allowLivePhotos) expect(reason).toBe("taker-off");
      else if (!c.subject.allowLivePhotos) expect(reason).toBe("subject-off");
      else expect(reason).toBe("allowed");
    }
  });

  it("never blames the subject's setting when the taker's own is off", () => {
    for (const c of allCases()) {
      if (!c.taker.allowLivePhotos) expect(observed(decideLivePhoto(c))).not.toBe("subject-off");
    }
  });

  it("does not change when only the subject's setting changes, unless everything else allows it", () => {
    for (const c of allCases()) {
      const flipped = { ...c, subject: { allowLivePhotos: !c.subject.allowLivePhotos } };
      const othersAllow = c.callKind === "video" && c.callLive && c.takerPresent && c.subjectPresent && c.taker.allowLivePhotos;
      if (!othersAllow) expect(decideLivePhoto(flipped)).toEqual(decideLivePhoto(c));
    }
  });
});

describe("livePhotoRefusalText", () => {
  it("words each refusal for the shutter and the API", () => {
    expect(livePhotoRefusalText("subject-off", "Ana")).toBe("Ana doesn't allow Live Photos");
    expect(livePhotoRefusalText("taker-off", "Ana")).toBe("Turn on Live Photos in Settings to take one");
    expect(livePhotoRefusalText("not-in-call", "Ana")).toBe("Ana isn't in this call with you");
    expect(livePhotoRefusalText("audio-call", "Ana")).toBe("Live Photos need a video call");
  });
});
