import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { PUSH_ENDPOINT_MAX_CHARS } from "@ringback/core/push";

/*
 * The API POSTs to URLs that browsers hand it (push endpoints), so a signed-in person could point it
 * at anything the server can reach. Endpoints must be https and every address their host resolves to
 * must be public; the check runs when a subscription is stored and again on every connection (a
 * host that resolved to a public address then can resolve to 127.0.0.1 later: DNS rebinding).
 */

const notPublic = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local (cloud metadata services live here)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved and broadcast
] as const) {
  notPublic.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::1", 128],
  // IPv4 inside IPv6 (IPv4-compatible, SIIT, NAT64, 6to4, Teredo) could carry any of the above; no push
  // service needs them. (IPv4-mapped ::ffff:a.b.c.d needs no rule: BlockList checks it against the IPv4
  // rules above, and a rule for all of ::ffff:0:0/96 would match every IPv4 address too. The two /96s
  // below differ from it in bits 80-95, so BlockList never matches a plain IPv4 address against them:
  // "classifies addresses" in push.integration.test.ts checks that public IPv4 stays public.)
  ["::", 96], // IPv4-compatible ::a.b.c.d (deprecated), and :: itself
  ["::ffff:0:0:0", 96], // IPv4-translated ::ffff:0:a.b.c.d (SIIT, RFC 2765)
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["2002::", 16],
  ["2001::", 32],
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // old site-local
  ["ff00::", 8], // multicast
] as const) {
  notPublic.addSubnet(net, prefix, "ipv6");
}

/** True when `address` is an IP literal on the public internet. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !notPublic.check(address, family === 4 ? "ipv4" : "ipv6");
}

// One answer for "no such host" and "a private host", so subscribe cannot tell a signed-in person
// which internal names the API host resolves.
const NOT_PUBLIC = "The push endpoint must be on the public internet";

/** `url` is the normalised endpoint (`href`: ASCII, anything else percent-encoded): store and send to that. */
export type EndpointCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** Whether the API may send to this push endpoint; the reason is shown to the person as is. */
export async function checkPushEndpoint(raw: string, allowPrivate: boolean): Promise<EndpointCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "The push endpoint must be a URL" };
  }
  // the normalised form is what is stored (under a unique index, which holds ~2.7 KB), and
  // percent-encoding can make it longer than what was sent
  if (url.href.length > PUSH_ENDPOINT_MAX_CHARS) return { ok: false, reason: "That push endpoint is too long" };
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) {
    return { ok: false, reason: "The push endpoint must be an https:// URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "The push endpoint can't contain a user name or password" };
  if (allowPrivate) return { ok: true, url };
  const host = hostOf(url);
  if (isIP(host)) {
    return isPublicAddress(host) ? { ok: true, url } : { ok: false, reason: NOT_PUBLIC };
  }
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise((resolve, reject) =>
      dnsLookup(host, { all: true }, (err, found) => (err ? reject(err) : resolve(found))),
    );
  } catch {
    return { ok: false, reason: NOT_PUBLIC };
  }
  if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) {
    return { ok: false, reason: NOT_PUBLIC };
  }
  return { ok: true, url };
}

/** The URL's host as an address or name (IPv6 literals lose their brackets). */
export function hostOf(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/** An error for a connection refused by the guard below. */
export class PrivateAddressError extends Error {
  readonly code = "EPUSHPRIVATE";
  constructor(host: string) {
    super(`push endpoint ${host} resolves to an address that is not public`);
  }
}

/**
 * A `lookup` for http(s).request that refuses hosts resolving to non-public addresses, so the
 * address connected to is the address checked.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, "", 0);
        return;
      }
      if (!allowPrivate && (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address)))) {
        callback(new PrivateAddressError(hostname), "", 0);
        return;
      }
      if (options.all) {
        (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, addresses);
        return;
      }
      const first = addresses[0];
      callback(null, first?.address ?? "", first?.family ?? 4);
    });
  };
}
