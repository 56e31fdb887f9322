// Security review of issue 9: LiveKit's embedded TURN relays to ANY public address (pion's permission
// handler in livekit-server v1.13.5 pkg/service/turn.go only refuses private/loopback/link-local/
// multicast/unspecified peers unless allow_restricted_peer_cidrs lists them). A signed-in person
// gets TURN credentials with every call, so public mode runs an open UDP relay unless the config
// also denies every other address. (From the lead's security review; the port of Go's CIDR matching
// keeps each address family to itself, as Go does.)
import { BlockList, isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { livekitPublicConfig, planPublic } from "./public";

/** What livekit-server's TURN permission handler decides for `peer` (a port of its logic). */
function relayAllowed(turn: Record<string, unknown>, peer: string): boolean {
  const family = isIP(peer) === 6 ? "ipv6" : "ipv4";
  const list = (key: string) => {
    const b = new BlockList();
    for (const cidr of (turn[key] as string[] | undefined) ?? []) {
      const [net, bits] = cidr.split("/");
      // Go's IPNet.Contains never matches across families (::/0 does not contain 8.8.8.8), while
      // Node's BlockList checks IPv4 addresses against IPv6 rules too: keep each family to itself.
      if ((isIP(net ?? "") === 6) !== (family === "ipv6")) continue;
      b.addSubnet(net ?? "", Number(bits), isIP(net ?? "") === 6 ? "ipv6" : "ipv4");
    }
    return b;
  };
  const restricted = new BlockList();
  for (const [n, p] of [["127.0.0.0", 8], ["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16], ["169.254.0.0", 16], ["224.0.0.0", 4], ["0.0.0.0", 32]] as const) restricted.addSubnet(n, p, "ipv4");
  if (restricted.check(peer, family) && !list("allow_restricted_peer_cidrs").check(peer, family)) return false;
  return !list("deny_peer_cidrs").check(peer, family);
}

describe("review: TURN relays only to LiveKit itself in public mode", () => {
  it.each([
    ["203.0.113.10", "https://calls.example.org"],
    ["192.168.1.10", "https://calls.lan"],
  ])("node %s: the node is reachable, nothing else is", async (nodeIp, url) => {
    const plan = await planPublic(url, { NODE_IP: nodeIp });
    const { turn } = livekitPublicConfig(plan, 40000);
    expect(relayAllowed(turn, nodeIp)).toBe(true);
    for (const peer of ["8.8.8.8", "1.1.1.1", "198.51.100.7", "192.168.1.1", "10.0.0.5", "127.0.0.1", "169.254.169.254", "2606:4700::1111"]) {
      if (peer === nodeIp) continue;
      expect(relayAllowed(turn, peer), `relay to ${peer}`).toBe(false);
    }
  });
});
