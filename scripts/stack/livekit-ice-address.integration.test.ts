// LiveKit's media sockets, with the real server: ICE runs on the node address alone. With node_ip
// set, LiveKit advertises every interface's socket under that one address and keeps one of them per
// call, picked by Go's random map order once per start; a call could then run on eth0's socket
// while advertising 127.0.0.1, where a TURN relay allowed to reach only the node address cannot
// follow (relay-only calls failed on about half of all starts).
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ensureLivekitBinary, startLivekit } from "./livekit";
import { freeTcpPort, freeUdpPort } from "./ports";
import { livekitPublicConfig, localAddresses, planPublic } from "./public";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** The local addresses with a UDP socket on `port` (from /proc/net/udp and udp6). */
async function udpAddressesOn(port: number): Promise<string[]> {
  const found: string[] = [];
  for (const [file, family] of [["/proc/net/udp", 4], ["/proc/net/udp6", 6]] as const) {
    const lines = (await readFile(file, "utf8").catch(() => "")).split("\n").slice(1);
    for (const line of lines) {
      const local = line.trim().split(/\s+/)[1];
      if (!local) continue;
      const [hex, portHex] = local.split(":");
      if (!hex || Number.parseInt(portHex ?? "", 16) !== port) continue;
      found.push(family === 4 ? ipv4FromProc(hex) : ipv6FromProc(hex));
    }
  }
  return found.sort();
}

/** /proc/net/udp writes an IPv4 address as one little-endian 32-bit word. */
function ipv4FromProc(hex: string): string {
  return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(".");
}

/** ... and an IPv6 address as four such words. */
function ipv6FromProc(hex: string): string {
  const bytes: number[] = [];
  for (let word = 0; word < 4; word++) for (const i of [6, 4, 2, 0]) bytes.push(Number.parseInt(hex.slice(word * 8 + i, word * 8 + i + 2), 16));
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(":");
}

async function start(publicConfig?: ReturnType<typeof livekitPublicConfig>): Promise<number> {
  const udpPort = await freeUdpPort();
  const livekit = await startLivekit({
    binary: await ensureLivekitBinary(repoRoot),
    port: await freeTcpPort(),
    tcpPort: await freeTcpPort(),
    udpPort,
    apiKey: "icekey",
    apiSecret: randomBytes(24).toString("hex"),
    publicConfig,
  });
  stops.push(() => livekit.stop());
  return udpPort;
}

// an address of another interface (eth0's): without one, nothing here can tell the fix from its absence
const lan = localAddresses().find((address) => /^\d+\.\d+\.\d+\.\d+$/.test(address) && !address.startsWith("127."));

describe("LiveKit's ICE address", () => {
  it.skipIf(!lan)("on this machine: media on 127.0.0.1 only, not on every interface under that name", async () => {
    const port = await start();
    expect(await udpAddressesOn(port)).toEqual(["127.0.0.1"]);
  });

  it.skipIf(!lan)("in public mode on an address of this machine: media on that address only", async () => {
    const plan = await planPublic(`https://${lan}:8443`, { TURN_UDP_PORT: String(await freeUdpPort()) });
    const port = await start(livekitPublicConfig(plan, null));
    expect(await udpAddressesOn(port)).toEqual([lan]);
  });

  it("in public mode behind NAT (the node address is the router's): every interface stays", async () => {
    const plan = await planPublic("https://calls.example.org", { NODE_IP: "203.0.113.5" });
    expect(livekitPublicConfig(plan, 40000, ["127.0.0.1", "192.168.1.10"]).rtc.ips).toEqual({});
    expect(livekitPublicConfig(plan, 40000, ["127.0.0.1", "203.0.113.5"]).rtc.ips).toEqual({ includes: ["203.0.113.5/32"] });
  });
});
