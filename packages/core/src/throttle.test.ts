import { describe, expect, it } from "vitest";
import { backoffSeconds, describeWait } from "./throttle";

const rule = { freeAttempts: 10, capSeconds: 900 };
const t0 = new Date("2026-01-01T00:00:00Z");
const after = (s: number) => new Date(t0.getTime() + s * 1000);

describe("backoffSeconds", () => {
  it("costs nothing below the free attempts", () => {
    expect(backoffSeconds(rule, 0, null, t0)).toBe(0);
    expect(backoffSeconds(rule, 9, t0, t0)).toBe(0);
  });
  it("doubles the wait with each failure past the free ones", () => {
    expect([10, 11, 12, 13, 15].map((n) => backoffSeconds(rule, n, t0, t0))).toEqual([1, 2, 4, 8, 32]);
  });
  it("counts from the last failure and is capped", () => {
    expect(backoffSeconds(rule, 13, t0, after(5))).toBe(3);
    expect(backoffSeconds(rule, 13, t0, after(8))).toBe(0);
    expect(backoffSeconds(rule, 40, t0, t0)).toBe(900);
    expect(backoffSeconds(rule, 40, t0, after(900))).toBe(0);
  });
});

describe("describeWait", () => {
  it("reads naturally", () => {
    expect([1, 2, 59, 60, 61, 900].map(describeWait)).toEqual(["1 second", "2 seconds", "59 seconds", "1 minute", "2 minutes", "15 minutes"]);
  });
});
