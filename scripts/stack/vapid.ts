// The VAPID key pair the API signs Web Push messages with (RFC 8292). Kept in the data dir so
// browsers' subscriptions (made against the public key) stay valid across restarts.
import { createECDH } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export type VapidKeys = { publicKey: string; privateKey: string };

/** A fresh P-256 key pair: the public key uncompressed, both base64url (what `web-push` takes). */
export function generateVapidKeys(): VapidKeys {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  // getPrivateKey drops leading zero bytes (about one key in 256): web-push wants all 32
  const privateKey = ecdh.getPrivateKey();
  const padded = Buffer.concat([Buffer.alloc(32 - privateKey.length), privateKey]);
  return { publicKey: ecdh.getPublicKey("base64url", "uncompressed"), privateKey: padded.toString("base64url") };
}

/**
 * VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY for the API: from the environment when both are set,
 * otherwise from `<dataDir>/vapid.json`, created on first run.
 */
export async function vapidEnv(dataDir: string): Promise<Record<string, string>> {
  const fromEnv = { publicKey: process.env.VAPID_PUBLIC_KEY, privateKey: process.env.VAPID_PRIVATE_KEY };
  let keys: VapidKeys | undefined;
  if (fromEnv.publicKey && fromEnv.privateKey) keys = { publicKey: fromEnv.publicKey, privateKey: fromEnv.privateKey };
  if (!keys) {
    const file = join(dataDir, "vapid.json");
    try {
      const stored = JSON.parse(await readFile(file, "utf8")) as Partial<VapidKeys>;
      if (stored.publicKey && stored.privateKey) keys = { publicKey: stored.publicKey, privateKey: stored.privateKey };
    } catch {
      // first run
    }
    if (!keys) {
      keys = generateVapidKeys();
      await writeFile(file, `${JSON.stringify(keys)}\n`, { mode: 0o600 });
    }
  }
  const env: Record<string, string> = { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey };
  if (process.env.VAPID_SUBJECT) env.VAPID_SUBJECT = process.env.VAPID_SUBJECT;
  return env;
}
