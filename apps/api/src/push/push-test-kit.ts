import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { fullLengthPrivateKey, type PushConfig } from "./config";

/*
 * A push service for tests, written from the RFCs rather than with web-push's own code, so it checks
 * what the API sends instead of agreeing with it: RFC 8292 (the VAPID JWT: ES256 signature against
 * the key in the header, aud = the endpoint's origin, exp within 24 h) and RFC 8291/8188 (the
 * aes128gcm body: ECDH with the browser's key, HKDF with the auth secret, AES-128-GCM).
 */

/** A fresh VAPID key pair and push settings for a test API (plain-http loopback endpoints allowed). */
export function testPushConfig(): PushConfig {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    publicKey: ecdh.getPublicKey("base64url", "uncompressed"),
    privateKey: fullLengthPrivateKey(ecdh.getPrivateKey("base64url")),
    subject: "mailto:push-tests@example.com",
    allowPrivateEndpoints: true,
  };
}

/** A browser's side of a subscription: its P-256 key pair and auth secret, as pushManager.subscribe makes them. */
export function browserKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh,
    auth,
    keys: { p256dh: ecdh.getPublicKey("base64url", "uncompressed"), auth: auth.toString("base64url") },
  };
}
export type BrowserKeys = ReturnType<typeof browserKeys>;

export type ReceivedPush = {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  receivedAt: number;
};

/** A local push service: records every POST and answers with `status` (201 unless told otherwise). */
export async function startPushEndpoint() {
  const received: ReceivedPush[] = [];
  const waiters: Array<() => void> = [];
  const statusByPath = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks), receivedAt: Date.now() });
      for (const w of waiters.splice(0)) w();
      res.writeHead(statusByPath.get(path) ?? 201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let counter = 0;
  return {
    origin,
    received,
    /** A new endpoint URL (one per subscription, like a real push service gives). */
    newEndpoint: () => `${origin}/push/${(counter += 1)}-${randomBytes(6).toString("hex")}`,
    /** From now on, answer POSTs to this endpoint with `status` (410: the subscription is gone). */
    answer: (endpoint: string, status: number) => statusByPath.set(new URL(endpoint).pathname, status),
    /** POSTs received for one endpoint so far. */
    for: (endpoint: string) => received.filter((r) => r.path === new URL(endpoint).pathname),
    /** Waits until `count` POSTs reached this endpoint; fails after `timeoutMs`. */
    async waitFor(endpoint: string, count = 1, timeoutMs = 10_000): Promise<ReceivedPush[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = received.filter((r) => r.path === new URL(endpoint).pathname);
        if (got.length >= count) return got;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${got.length} of ${count} pushes reached ${endpoint} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, left);
        });
      }
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
export type PushEndpoint = Awaited<ReturnType<typeof startPushEndpoint>>;

/**
 * Checks the VAPID Authorization header (RFC 8292 §2-3) of a push to `endpoint` and returns its
 * claims: `vapid t=<JWT>, k=<public key>`; ES256 over header.payload with the key in `k`, which must
 * be `expectedKey`; aud the endpoint's origin; exp in the future and at most 24 h ahead.
 */
export function verifyVapid(headers: IncomingHttpHeaders, endpoint: string, expectedKey: string, now = Date.now()) {
  const header = headers.authorization ?? "";
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header);
  if (!match) throw new Error(`not a VAPID Authorization header: ${header}`);
  const [, jwt = "", key = ""] = match;
  if (key !== expectedKey) throw new Error("the VAPID key is not the server's");
  const [h = "", p = "", s = ""] = jwt.split(".");
  const jose = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { typ?: string; alg?: string };
  if (jose.alg !== "ES256") throw new Error(`VAPID JWT alg is ${jose.alg}`);
  const point = Buffer.from(key, "base64url");
  const publicKey = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33, 65).toString("base64url") },
    format: "jwk",
  });
  const signature = Buffer.from(s, "base64url");
  const valid = verify("sha256", Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: "ieee-p1363" }, signature);
  if (!valid) throw new Error("the VAPID JWT signature does not verify");
  const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as { aud: string; exp: number; sub: string };
  if (claims.aud !== new URL(endpoint).origin) throw new Error(`VAPID aud is ${claims.aud}, not ${new URL(endpoint).origin}`);
  const nowSeconds = Math.floor(now / 1000);
  if (!(claims.exp > nowSeconds && claims.exp <= nowSeconds + 24 * 3600)) throw new Error(`VAPID exp ${claims.exp} is out of range`);
  return claims;
}

/**
 * Decrypts an aes128gcm push body (RFC 8188 framing, RFC 8291 keys) with the browser's private key
 * and auth secret, as the browser does.
 */
export function decryptPush(body: Buffer, browser: BrowserKeys): string {
  // RFC 8188 §2.1 header: salt (16) | record size (4) | key id length (1) | key id (the sender's public key)
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body.readUInt8(20);
  const senderPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error(`key id is ${idLength} bytes, not a P-256 point`);
  if (record.length > recordSize) throw new Error("more than one record (a push fits in one)");
  const receiverPublic = browser.ecdh.getPublicKey();
  // RFC 8291 §3.3-3.4
  const ecdhSecret = browser.ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), receiverPublic, senderPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", ecdhSecret, browser.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // RFC 8188 §2: data, then a delimiter (2 for the last record), then zero padding
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error("the record has no last-record delimiter");
  return padded.subarray(0, end).toString("utf8");
}
