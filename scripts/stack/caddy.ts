// Caddy (Debian's caddy 2.6) in front of the web app and LiveKit's signalling, for public mode.
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { join } from "node:path";
import { caddyfile, findCertificate, type PublicPlan } from "./public";
import type { createSupervisor } from "./supervisor";

type Supervisor = ReturnType<typeof createSupervisor>;

export function caddyBinary(): string {
  return process.env.CADDY_BIN || "caddy";
}

/** Checks a Caddyfile with `caddy adapt --validate`; throws Caddy's own words when it is wrong. */
export function validateCaddyfile(file: string): void {
  const result = spawnSync(caddyBinary(), ["adapt", "--config", file, "--adapter", "caddyfile", "--validate"], { encoding: "utf8" });
  if (result.error) throw new Error(`caddy could not be run (${result.error.message}): install it (Debian: apt-get install -y caddy)`);
  if (result.status !== 0) throw new Error(`caddy rejected ${file}:\n${result.stderr.trim()}`);
}

export async function startCaddy(opts: {
  plan: PublicPlan;
  storageDir: string;
  webPort: number;
  livekitPort: number;
  supervisor: Supervisor;
  log: (line: string) => void;
}): Promise<void> {
  const { plan, storageDir } = opts;
  const home = join(storageDir, "..", "caddy-home");
  await Promise.all([mkdir(storageDir, { recursive: true }), mkdir(home, { recursive: true })]);
  const file = join(home, "Caddyfile");
  await writeFile(
    file,
    caddyfile({ plan, webPort: opts.webPort, livekitPort: opts.livekitPort, storageDir, email: process.env.ACME_EMAIL || undefined }),
  );
  validateCaddyfile(file);
  const caddy = opts.supervisor.spawn({
    name: "caddy",
    command: caddyBinary(),
    args: ["run", "--config", file, "--adapter", "caddyfile"],
    cwd: home,
    // autosave.json and anything else Caddy keeps go here, not in the user's home
    env: { XDG_CONFIG_HOME: home, XDG_DATA_HOME: home },
    // a restarted Caddy finds its certificate in the storage dir
    ready: () => waitForHttps(plan, 30_000),
  });
  // The certificate: at once from the internal CA; an ACME one needs DNS and port 80 to reach us.
  const deadline = Date.now() + (plan.certificates === "internal" ? 30_000 : 120_000);
  for (;;) {
    const failure = caddy.failure();
    if (failure) throw new Error(`${failure} (see the caddy lines above)`);
    if (await findCertificate(storageDir, plan.host)) break;
    if (Date.now() > deadline) {
      opts.log(
        `warning: no certificate for ${plan.host} yet; Caddy keeps trying (it needs ${plan.host} to point here and port ${plan.httpPort ?? 80} open)`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  opts.log(`caddy serving ${plan.origin} (${plan.certificates === "internal" ? "Caddy's internal CA" : "ACME certificate"})`);
}

/** Waits until the public origin answers through Caddy (checked on this machine, whatever DNS says). */
export async function waitForHttps(plan: PublicPlan, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  for (;;) {
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: plan.bindAddress ?? "127.0.0.1",
            port: plan.httpsPort,
            servername: plan.host,
            path: "/signin",
            headers: { host: plan.httpsPort === 443 ? plan.host : `${plan.host}:${plan.httpsPort}` },
            // only that Caddy passes requests on; the browser judges the certificate
            rejectUnauthorized: false,
            timeout: 2_000,
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        req.on("timeout", () => req.destroy(new Error("timed out")));
        req.on("error", reject);
        req.end();
      });
      if (status > 0 && status < 500) return;
      last = `HTTP ${status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(last);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
