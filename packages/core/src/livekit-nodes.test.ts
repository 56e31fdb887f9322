import { describe, expect, it } from "vitest";
import { livekitNodeFor } from "./livekit-nodes";

describe("livekitNodeFor", () => {
  const nodes = ["ws://a:7880", "ws://b:7880"];

  it("gives one person the same node every time", () => {
    for (const id of ["u1", "0b9c7a4e-1111-4e6f-9f00-000000000001", ""]) {
      expect(livekitNodeFor(id, nodes)).toBe(livekitNodeFor(id, nodes));
    }
  });

  it("spreads people over every node", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const node = livekitNodeFor(`person-${i}`, nodes);
      counts.set(node, (counts.get(node) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...nodes].sort());
    for (const n of counts.values()) expect(n).toBeGreaterThan(400);
  });

  it("uses the only node there is, and refuses none", () => {
    expect(livekitNodeFor("anyone", ["ws://only:7880"])).toBe("ws://only:7880");
    expect(() => livekitNodeFor("anyone", [])).toThrow(/at least one/);
  });
});
