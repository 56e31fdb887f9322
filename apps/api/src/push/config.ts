import type { ApiEnv } from "../env";

/** Web Push settings: the VAPID key pair and who push services may contact, plus the test-only address switch. */
export type PushConfig = {
  /** base64url uncompressed P-256 public key: browsers subscribe with it (applicationServerKey) */
  publicKey: string;
  privateKey: string;
  /** mailto: or https: (RFC 8292 `sub`) */
  subject: string;
  /** tests only: endpoints may be plain http and resolve to private, loopback or link-local addresses */
  allowPrivateEndpoints: boolean;
};

/** Push settings from the environment; null (push off) unless both VAPID keys are set. */
export function pushConfigFromEnv(env: ApiEnv): PushConfig | null {
  const publicKey = env.VAPID_PUBLIC_KEY || null;
  const privateKey = env.VAPID_PRIVATE_KEY || null;
  if (!publicKey && !privateKey) return null;
  if (!publicKey || !privateKey) throw new Error("Invalid API configuration:\n  VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together");
  return {
    publicKey,
    privateKey: fullLengthPrivateKey(privateKey),
    subject: env.VAPID_SUBJECT ?? defaultSubject(env.PUBLIC_URL),
    allowPrivateEndpoints: env.PUSH_ALLOW_PRIVATE_ENDPOINTS === "1",
  };
}

function defaultSubject(publicUrl: string): string {
  // push services accept an https: site or a mailto:; an http:// address is neither
  const url = new URL(publicUrl);
  return url.protocol === "https:" ? url.origin : `mailto:ringback@${url.hostname}`;
}

/**
 * The private key as the 32 bytes web-push requires. Node's ECDH getPrivateKey() drops leading zero
 * bytes, so about one generated key in 256 is 31 bytes (42 characters) long: same key, padded.
 */
export function fullLengthPrivateKey(base64url: string): string {
  const bytes = Buffer.from(base64url, "base64url");
  if (bytes.length > 32) throw new Error("Invalid API configuration:\n  VAPID_PRIVATE_KEY is longer than a P-256 private key");
  return Buffer.concat([Buffer.alloc(32 - bytes.length), bytes]).toString("base64url");
}
