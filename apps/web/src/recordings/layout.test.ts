import { describe, expect, it } from "vitest";
import { coverRect, formatElapsed, recordingLayout } from "./layout";

describe("the recording's frame is laid out as the call screen is", () => {
  it("alone: you fill the frame", () => {
    const layout = recordingLayout(0, 960, 540);
    expect(layout.localFull).toEqual({ x: 0, y: 0, width: 960, height: 540 });
    expect(layout.local).toBeNull();
    expect(layout.remote).toEqual([]);
  });

  it("one to one: the other person fills the frame, you are a small inset in the top corner", () => {
    const layout = recordingLayout(1, 960, 540);
    expect(layout.remote).toEqual([{ x: 0, y: 0, width: 960, height: 540 }]);
    expect(layout.local).not.toBeNull();
    const inset = layout.local ?? { x: 0, y: 0, width: 0, height: 0 };
    expect(inset.width).toBeLessThan(960 / 4);
    expect(inset.x + inset.width).toBeLessThanOrEqual(960);
    expect(inset.y).toBeLessThan(540 / 4);
  });

  it("a group: everyone else in a grid of equal tiles inside the frame, none overlapping", () => {
    for (const count of [2, 3, 4, 5, 7]) {
      const { remote, local } = recordingLayout(count, 960, 540);
      expect(remote).toHaveLength(count);
      expect(local).not.toBeNull();
      for (const r of remote) {
        expect(r.x).toBeGreaterThanOrEqual(0);
        expect(r.y).toBeGreaterThanOrEqual(0);
        expect(r.x + r.width).toBeLessThanOrEqual(960);
        expect(r.y + r.height).toBeLessThanOrEqual(540);
      }
      for (let i = 0; i < remote.length; i++)
        for (let j = i + 1; j < remote.length; j++) {
          const [a, b] = [remote[i], remote[j]];
          if (!a || !b) continue;
          const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
          expect(overlap, `tiles ${i} and ${j} of ${count}`).toBe(false);
        }
    }
  });
});

describe("cover crop", () => {
  it("crops the sides of a wide picture in a narrow tile and the top and bottom of a tall one", () => {
    expect(coverRect(640, 480, { x: 0, y: 0, width: 960, height: 540 })).toEqual({ sx: 0, sy: 60, sw: 640, sh: 360 });
    expect(coverRect(1280, 720, { x: 0, y: 0, width: 300, height: 400 })).toEqual({ sx: 370, sy: 0, sw: 540, sh: 720 });
  });
});

it("elapsed time reads like a clock", () => {
  expect(formatElapsed(0)).toBe("0:00");
  expect(formatElapsed(9_999)).toBe("0:09");
  expect(formatElapsed(754_000)).toBe("12:34");
  expect(formatElapsed(3_723_000)).toBe("1:02:03");
});
