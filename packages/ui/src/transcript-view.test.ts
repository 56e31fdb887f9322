import { describe, expect, it } from "vitest";
import { currentWordIndex, segmentWords } from "./transcript-view";
import { resamplePeaks } from "./waveform";

describe("currentWordIndex", () => {
  const starts = [0, 400, 900, 1500];

  it("highlights nothing before playing or before the first word", () => {
    expect(currentWordIndex(starts, null)).toBe(-1);
    expect(currentWordIndex([200, 500], 100)).toBe(-1);
  });

  it("is the last word that has started, through the pause after it", () => {
    expect(currentWordIndex(starts, 0)).toBe(0);
    expect(currentWordIndex(starts, 899)).toBe(1);
    expect(currentWordIndex(starts, 900)).toBe(2);
    expect(currentWordIndex(starts, 60_000)).toBe(3);
  });
});

describe("segmentWords", () => {
  it("trims the leading spaces Whisper puts on words and drops empty ones", () => {
    const words = segmentWords({ text: " Hi there", startMs: 0, endMs: 900, words: [{ text: " Hi", startMs: 0, endMs: 300 }, { text: " ", startMs: 300, endMs: 310 }, { text: " there", startMs: 400, endMs: 900 }] });
    expect(words.map((w) => w.text)).toEqual(["Hi", "there"]);
  });

  it("shows a segment without word times as one piece at its start", () => {
    expect(segmentWords({ text: " Call me back. ", startMs: 1200, endMs: 2000, words: [] })).toEqual([{ text: "Call me back.", startMs: 1200, endMs: 2000 }]);
  });
});

describe("resamplePeaks", () => {
  it("keeps the loudest peak of each slice", () => {
    expect(resamplePeaks([0.1, 0.9, 0.2, 0.3], 2)).toEqual([0.9, 0.3]);
  });

  it("stretches a short waveform and flattens a missing one", () => {
    expect(resamplePeaks([0.5], 3)).toEqual([0.5, 0.5, 0.5]);
    expect(resamplePeaks(null, 2)).toEqual([0, 0]);
  });
});
