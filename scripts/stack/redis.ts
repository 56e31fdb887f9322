// Redis (Debian's redis-server) for the cluster profiles: LiveKit's nodes share room state and
// their message bus through it. Nothing here needs to survive a restart, so it keeps no files.
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { connect } from "node:net";
import { forEachLine } from "./supervisor";

export type RedisHandle = {
  /** host:port, what LiveKit's `redis.address` takes. */
  address: string;
  pid: number | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
};

export function redisBinary(): string {
  return process.env.REDIS_SERVER_BIN || "redis-server";
}

/** Starts redis-server on 127.0.0.1:port and resolves once it answers PING. */
export async function startRedis(opts: { port: number; dir: string; onLog?: (line: string) => void; startTimeoutMs?: number }): Promise<RedisHandle> {
  await mkdir(opts.dir, { recursive: true });
  const recent: string[] = [];
  const child = spawn(
    redisBinary(),
    // no RDB snapshots, no AOF: LiveKit re-registers its nodes and rooms live only as long as their calls
    ["--port", String(opts.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", opts.dir, "--daemonize", "no", "--loglevel", "warning"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  for (const stream of [child.stdout, child.stderr]) {
    forEachLine(stream, (line) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      opts.onLog?.(line);
    });
  }
  let failure: string | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      failure = `redis-server exited (${signal ?? `code ${code ?? "?"}`})`;
      process.off("exit", killOnExit);
      resolve({ code, signal });
    });
    child.once("error", (error) => {
      failure = `redis-server could not be run (${error.message}): install it (Debian: apt-get install -y redis-server)`;
      process.off("exit", killOnExit);
      resolve({ code: null, signal: null });
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || failure) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  for (;;) {
    if (failure) throw new Error(`Redis failed to start on port ${opts.port}: ${failure}\n${recent.join("\n")}`);
    if (await redisPing(opts.port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Redis did not answer PING on port ${opts.port}\n${recent.join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { address: `127.0.0.1:${opts.port}`, pid: child.pid, exited, stop };
}

/** True when a Redis server on 127.0.0.1:port answers PING with PONG. */
export function redisPing(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString("utf8");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}
