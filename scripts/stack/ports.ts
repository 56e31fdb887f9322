import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/**
 * The port a variable names, or `fallback` when it is unset or empty; a bad value stops start-up
 * with its name. `allowOff`: 0 is accepted too (the part it belongs to is turned off).
 */
export function envPort(name: string, fallback: number, opts: { env?: NodeJS.ProcessEnv; allowOff?: boolean } = {}): number {
  const raw = (opts.env ?? process.env)[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  const lowest = opts.allowOff ? 0 : 1;
  if (!Number.isInteger(port) || port < lowest || port > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
  return port;
}

/** A TCP port that was free a moment ago (the OS picks it); good enough for test servers. */
export async function freeTcpPort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("could not pick a free TCP port"))));
    });
  });
}

/** A UDP port that was free a moment ago. */
export async function freeUdpPort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.unref();
    socket.once("error", reject);
    socket.bind(0, host, () => {
      const port = socket.address().port;
      socket.close(() => resolve(port));
    });
  });
}

/** Rejects with a readable error when `port` is already taken, before a child fails on it obscurely. */
export async function assertTcpPortFree(port: number, host = "127.0.0.1"): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`Port ${port} on ${host} is already in use (is another Ringback still running?)`)
          : error,
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/**
 * Polls `url` until it answers (any status below 500, or only 2xx with `okOnly`), `aborted`
 * returns a reason (the process behind it died), or time runs out.
 */
export async function waitForHttp(
  url: string,
  opts: { timeoutMs: number; intervalMs?: number; okOnly?: boolean; aborted?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = "no answer";
  for (;;) {
    const abortReason = opts.aborted?.();
    if (abortReason) throw new Error(abortReason);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000), redirect: "manual" });
      await response.body?.cancel();
      if (opts.okOnly ? response.ok : response.status < 500) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${opts.timeoutMs} ms (${last})`);
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
  }
}
