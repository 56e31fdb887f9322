import { X509Certificate, createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * How the browser tests and benchmarks launch Debian's Chromium: Playwright cannot download its own
 * browser here, and WebRTC on loopback needs fake media, loopback candidates and autoplay.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--autoplay-policy=no-user-gesture-required",
];

/** The public-test stack (scripts/stack/main.ts --profile public-test): HTTPS through Caddy on a test name. */
export const publicTest = {
  origin: "https://ringback.test:8443",
  host: "ringback.test",
  address: "127.0.0.2",
  turnUdpPort: 3488,
  turnTlsPort: 5359,
  caddyStorage: fileURLToPath(new URL("../../../.data/public-test/caddy", import.meta.url)),
};

/**
 * Chromium flags for the public-test project: ringback.test resolves to 127.0.0.2 (the origin,
 * TURN/UDP and TURN/TLS), and certificates issued by that stack's Caddy CA are trusted — by the
 * public-key hashes of its root and intermediate, not by ignoring certificate errors. The stack makes
 * a new CA each run, so this is read when a test worker starts (after the stack is up).
 */
export function publicTestArgs(): string[] {
  const hashes: string[] = [];
  for (const name of ["root.crt", "intermediate.crt"]) {
    const file = join(publicTest.caddyStorage, "pki", "authorities", "local", name);
    if (!existsSync(file)) continue;
    const spki = new X509Certificate(readFileSync(file)).publicKey.export({ type: "spki", format: "der" });
    hashes.push(createHash("sha256").update(spki).digest("base64"));
  }
  return [
    `--host-resolver-rules=MAP ${publicTest.host} ${publicTest.address}`,
    ...(hashes.length > 0 ? [`--ignore-certificate-errors-spki-list=${hashes.join(",")}`] : []),
  ];
}
