// The one API port of the cluster profiles: Caddy (Debian's caddy 2.6, as in public mode) in front
// of the API processes.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { caddyBinary, validateCaddyfile } from "./caddy";
import { waitForHttp } from "./ports";
import type { createSupervisor } from "./supervisor";

type Supervisor = ReturnType<typeof createSupervisor>;

/** The resumable (tus) upload endpoints: every PATCH of one upload must reach the process that holds it. */
export const STICKY_UPLOAD_PATHS = ["/api/uploads*", "/api/library/uploads*"];

/**
 * Round-robin over the API processes, with active health checks (/livez: the process answers) and
 * retries on the next upstream for a dead one. Uploads hash on their URI
 * so an upload's chunks stay on one process. flush_interval -1: the event stream (SSE) is passed on
 * as it is written, never buffered.
 */
export function clusterCaddyfile(opts: { port: number; upstreamPorts: number[] }): string {
  const upstreams = opts.upstreamPorts.map((port) => `127.0.0.1:${port}`).join(" ");
  const common = (policy: string) => `		lb_policy ${policy}
		# a request that finds its upstream down (refused, reset before an answer) tries the other one
		lb_try_duration 5s
		lb_try_interval 100ms
		# /livez, not /healthz: with Postgres down both processes answer 503 themselves (readable,
		# with Retry-After), which beats Caddy's empty 503 for having no healthy upstream
		health_uri /livez
		health_interval 1s
		health_timeout 2s
		# passive too: a connection refused takes a process out at once, before the next health check
		fail_duration 2s
		flush_interval -1`;
  return `{
	admin off
	auto_https off
	log {
		level WARN
	}
}

http://:${opts.port} {
	bind 127.0.0.1
	@uploads path ${STICKY_UPLOAD_PATHS.join(" ")}
	reverse_proxy @uploads ${upstreams} {
${common("uri_hash")}
	}
	reverse_proxy ${upstreams} {
${common("round_robin")}
	}
}
`;
}

/** Starts the proxy as the supervised service `proxy` and resolves once /healthz answers through it. */
export async function startClusterProxy(opts: { port: number; upstreamPorts: number[]; dataDir: string; supervisor: Supervisor }): Promise<string> {
  const home = join(opts.dataDir, "proxy");
  await mkdir(home, { recursive: true });
  const file = join(home, "Caddyfile");
  await writeFile(file, clusterCaddyfile(opts));
  validateCaddyfile(file);
  const url = `http://127.0.0.1:${opts.port}`;
  const ready = (aborted: () => string | undefined) => waitForHttp(`${url}/healthz`, { timeoutMs: 30_000, okOnly: true, aborted });
  const proxy = opts.supervisor.spawn({
    name: "proxy",
    command: caddyBinary(),
    args: ["run", "--config", file, "--adapter", "caddyfile"],
    cwd: home,
    env: { XDG_CONFIG_HOME: home, XDG_DATA_HOME: home },
    ready,
  });
  await ready(proxy.failure);
  return url;
}
