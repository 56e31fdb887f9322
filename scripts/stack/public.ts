// Public mode: `./ringback start --public https://calls.example.org`. Caddy serves the web app
// and LiveKit's signalling on one HTTPS origin, LiveKit advertises the public host and runs its
// embedded TURN (UDP, and TLS through a small TLS front that follows Caddy's certificate).
import { lookup } from "node:dns/promises";
import { X509Certificate, createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { envPort } from "./ports";

export type CertificateSource = "acme" | "internal";

export type PublicPlan = {
  /** https://host[:port], no trailing slash: PUBLIC_URL / NEXTAUTH_URL. */
  origin: string;
  host: string;
  httpsPort: number;
  /** Plain HTTP port Caddy answers on (ACME http-01 challenges and the redirect to https), or null. */
  httpPort: number | null;
  /** Let's Encrypt / ZeroSSL for a public DNS name; Caddy's own CA for a LAN name, an IP or *.test. */
  certificates: CertificateSource;
  /** Where Caddy listens (all interfaces unless set). */
  bindAddress: string | null;
  /** The address LiveKit advertises in its ICE candidates and TURN relay addresses. */
  nodeIp: string;
  turn: {
    udpPort: number;
    /** null for an IP address: TURN/TLS needs a DNS name for its certificate. */
    tlsPort: number | null;
  };
  /** What browsers are given by calls.join: wss on the public origin (+ the TURN/TLS port when it isn't 443). */
  livekitPublicUrl: string;
};

export const DEFAULT_PUBLIC_PORTS = { https: 443, http: 80, turnUdp: 3478, turnTls: 5349 } as const;

/** Names that no public CA will certify, so Caddy's internal CA signs them (`tls internal`). */
export function certificateSourceFor(host: string): CertificateSource {
  const name = host.toLowerCase().replace(/\.$/, "");
  if (isIP(name.replace(/^\[|\]$/g, ""))) return "internal";
  if (!name.includes(".")) return "internal"; // localhost, a bare LAN host name
  const privateSuffixes = [".test", ".local", ".lan", ".home", ".internal", ".localhost", ".home.arpa", ".example", ".invalid", ".corp"];
  return privateSuffixes.some((suffix) => name.endsWith(suffix)) ? "internal" : "acme";
}

/** Reads and checks the public URL: https, a host, nothing after the origin. */
export function parsePublicUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--public needs a URL like https://calls.example.org, got "${raw}"`);
  }
  if (url.protocol !== "https:") throw new Error(`--public needs an https:// URL (browsers allow camera and microphone only on https), got "${raw}"`);
  if (url.username || url.password || (url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    throw new Error(`--public takes an origin only (https://host[:port]), got "${raw}"`);
  }
  return url;
}

export type PlanDefaults = {
  httpPort?: number | null;
  turnUdpPort?: number;
  turnTlsPort?: number;
  bindAddress?: string | null;
  nodeIp?: string;
};

/**
 * Everything public mode needs, from the URL and the environment (NODE_IP, TURN_UDP_PORT,
 * TURN_TLS_PORT, HTTP_PORT; 0 turns a port off). The node IP is NODE_IP, else the address the
 * public name resolves to (the router's public address when the name points at it), else the
 * literal IP in the URL.
 */
export async function planPublic(raw: string, env: NodeJS.ProcessEnv = process.env, defaults: PlanDefaults = {}): Promise<PublicPlan> {
  const url = parsePublicUrl(raw);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const httpsPort = url.port ? Number(url.port) : DEFAULT_PUBLIC_PORTS.https;
  const certificates = certificateSourceFor(host);
  const ipHost = isIP(host) !== 0;
  const httpPortSetting = envPort("HTTP_PORT", defaults.httpPort === null ? 0 : (defaults.httpPort ?? DEFAULT_PUBLIC_PORTS.http), { env, allowOff: true });
  const udpPort = envPort("TURN_UDP_PORT", defaults.turnUdpPort ?? DEFAULT_PUBLIC_PORTS.turnUdp, { env, allowOff: true });
  const tlsSetting = envPort("TURN_TLS_PORT", defaults.turnTlsPort ?? DEFAULT_PUBLIC_PORTS.turnTls, { env, allowOff: true });
  const tlsPort = ipHost || tlsSetting === 0 ? null : tlsSetting;
  if (udpPort === 0 && tlsPort === null) throw new Error("TURN needs a UDP or a TLS port (TURN_UDP_PORT / TURN_TLS_PORT)");
  if (tlsPort !== null && tlsPort === httpsPort) {
    throw new Error(
      `TURN/TLS cannot share port ${tlsPort} with HTTPS: Caddy cannot tell the two apart on one address. ` +
        "Pick another TURN_TLS_PORT (default 5349), or serve the web on another port.",
    );
  }

  const nodeIp = env.NODE_IP || defaults.nodeIp || (ipHost ? host : await resolveHost(host));
  if (isIP(nodeIp) === 0) throw new Error(`NODE_IP must be an IP address, got "${nodeIp}"`);

  const origin = url.origin;
  const wss = new URL(origin.replace(/^https:/, "wss:"));
  // LiveKit always advertises its TURN/TLS server on port 443 (it expects a load balancer there);
  // the browser rewrites that to the real port it finds here (apps/web/src/calls/livekit-connect.ts).
  if (tlsPort !== null && tlsPort !== 443) wss.searchParams.set("turn_tls_port", String(tlsPort));
  const livekitPublicUrl = wss.toString().replace(/\/(\?|$)/, "$1");

  return {
    origin,
    host,
    httpsPort,
    httpPort: httpPortSetting === 0 ? null : httpPortSetting,
    certificates,
    bindAddress: env.PUBLIC_BIND_ADDRESS || defaults.bindAddress || null,
    nodeIp,
    turn: { udpPort, tlsPort },
    livekitPublicUrl,
  };
}

async function resolveHost(host: string): Promise<string> {
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    throw new Error(
      `${host} does not resolve to an address here, so LiveKit cannot know which address to advertise. ` +
        "Set NODE_IP to this machine's public (or LAN) address.",
    );
  }
}

function isLoopback(ip: string): boolean {
  return ip.startsWith("127.") || ip === "::1";
}

/** The addresses of this machine's network interfaces, loopback included. */
export function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address));
}

/**
 * Every address except `ip`, as CIDRs: for each prefix length b, `ip` with bit b flipped, masked to
 * /b (32 blocks for IPv4, 128 for IPv6), plus the whole other family.
 */
export function allAddressesExcept(ip: string): string[] {
  const v6 = isIP(ip) === 6;
  const bits = v6 ? 128 : 32;
  const value = v6 ? ipv6ToBigInt(ip) : ip.split(".").reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
  const out: string[] = [];
  for (let b = 1; b <= bits; b++) {
    const flipped = value ^ (1n << BigInt(bits - b));
    const masked = (flipped >> BigInt(bits - b)) << BigInt(bits - b);
    out.push(`${v6 ? bigIntToIpv6(masked) : bigIntToIpv4(masked)}/${b}`);
  }
  out.push(v6 ? "0.0.0.0/0" : "::/0");
  return out;
}

function bigIntToIpv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 255n)).join(".");
}

function ipv6ToBigInt(ip: string): bigint {
  const [head = "", tail] = ip.split("::");
  const parts = (text: string) => (text ? text.split(":") : []);
  const groups = tail === undefined ? parts(head) : [...parts(head), ...Array(8 - parts(head).length - parts(tail).length).fill("0"), ...parts(tail)];
  return groups.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function bigIntToIpv6(n: bigint): string {
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((n >> shift) & 0xffffn).toString(16));
  return groups.join(":");
}

/**
 * The LiveKit config keys public mode adds or changes (merged over the loopback config).
 * `turnTcpPort`: LiveKit's plain TURN-over-TCP listener behind the TLS front (null: no TURN/TLS).
 */
export function livekitPublicConfig(
  plan: PublicPlan,
  turnTcpPort: number | null,
  local: string[] = localAddresses(),
): { rtc: Record<string, unknown>; turn: Record<string, unknown> } {
  const own = `${plan.nodeIp}/${isIP(plan.nodeIp) === 6 ? 128 : 32}`;
  const turn: Record<string, unknown> = {
    enabled: true,
    udp_port: plan.turn.udpPort,
    // The relay may reach LiveKit's own address and nothing else: LiveKit refuses private and
    // loopback peers unless allowed, and allows every public one unless denied, so a signed-in
    // person could otherwise relay to any host on the internet from this address.
    allow_restricted_peer_cidrs: [own],
    deny_peer_cidrs: allAddressesExcept(plan.nodeIp),
  };
  if (plan.turn.tlsPort !== null && turnTcpPort !== null) {
    Object.assign(turn, {
      domain: plan.host,
      // TLS is ended in front of LiveKit (turn-tls.ts), which then sees plain TURN over TCP here
      // (on every interface, like TURN/UDP: keep this port closed in the firewall).
      tls_port: turnTcpPort,
      external_tls: true,
    });
  }
  return {
    rtc: {
      node_ip: plan.nodeIp,
      use_external_ip: false,
      // a test host on 127.0.0.x is still loopback; a real one is not
      enable_loopback_candidate: isLoopback(plan.nodeIp),
      // ICE on the node's own interface only, when the node address is one of this machine's (see
      // livekit.ts: otherwise a random one of the interfaces advertised under it carries the call,
      // and the relay, which may reach the node address alone, cannot reach the others). Behind NAT
      // (the node address is the router's) every interface stays, rewritten to the node address.
      ips: local.includes(plan.nodeIp) ? { includes: [own] } : {},
    },
    turn,
  };
}

/** The Caddyfile (Caddy 2.6) for one origin: LiveKit's signalling under /rtc, everything else to the web app. */
export function caddyfile(opts: {
  plan: PublicPlan;
  webPort: number;
  livekitPort: number;
  storageDir: string;
  email?: string;
}): string {
  const { plan } = opts;
  const global = [
    "admin off",
    `storage file_system ${quote(opts.storageDir)}`,
    `https_port ${plan.httpsPort}`,
    plan.httpPort === null ? "auto_https disable_redirects" : `http_port ${plan.httpPort}`,
    // the internal CA's root stays in our storage; nothing is added to the system's trust store
    "skip_install_trust",
    ...(opts.email ? [`email ${opts.email}`] : []),
    "log {\n\t\tlevel WARN\n\t}",
  ];
  const siteAddress = `${plan.host.includes(":") ? `[${plan.host}]` : plan.host}:${plan.httpsPort}`;
  const site = [
    ...(plan.bindAddress ? [`bind ${plan.bindAddress}`] : []),
    ...(plan.certificates === "internal" ? ["tls internal"] : []),
    "@livekit path /rtc /rtc/*",
    `reverse_proxy @livekit 127.0.0.1:${opts.livekitPort}`,
    `reverse_proxy 127.0.0.1:${opts.webPort} {\n\t\t# the event stream (server-sent events) goes out as it is written\n\t\tflush_interval -1\n\t}`,
  ];
  const indent = (lines: string[]) => lines.map((line) => `\t${line}`).join("\n");
  return `{\n${indent(global)}\n}\n\n${siteAddress} {\n${indent(site)}\n}\n`;
}

function quote(path: string): string {
  return /[\s"{}]/.test(path) ? JSON.stringify(path) : path;
}

/** Caddy's certificate for `host` in its storage (any issuer: ACME or internal), newest first. */
export async function findCertificate(storageDir: string, host: string): Promise<{ cert: string; key: string } | undefined> {
  const root = join(storageDir, "certificates");
  let issuers: string[];
  try {
    issuers = await readdir(root);
  } catch {
    return undefined;
  }
  let best: { cert: string; key: string; mtime: number } | undefined;
  for (const issuer of issuers) {
    const dir = join(root, issuer, host.toLowerCase());
    const cert = join(dir, `${host.toLowerCase()}.crt`);
    const key = join(dir, `${host.toLowerCase()}.key`);
    try {
      const [c] = await Promise.all([stat(cert), stat(key)]);
      if (!best || c.mtimeMs > best.mtime) best = { cert, key, mtime: c.mtimeMs };
    } catch {
      // not issued by this issuer
    }
  }
  return best && { cert: best.cert, key: best.key };
}

/** Caddy's internal CA certificates (root, intermediate) in its storage. */
export function internalCaFiles(storageDir: string): { root: string; intermediate: string } {
  const dir = join(storageDir, "pki", "authorities", "local");
  return { root: join(dir, "root.crt"), intermediate: join(dir, "intermediate.crt") };
}

/** base64(sha256(SubjectPublicKeyInfo)) of a PEM certificate: what Chromium's --ignore-certificate-errors-spki-list takes. */
export function spkiHash(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}
