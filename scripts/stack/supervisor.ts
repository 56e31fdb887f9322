import { spawn, type ChildProcess } from "node:child_process";

export type Logger = (line: string) => void;

type Service = {
  name: string;
  stop(): Promise<void>;
  /** Resolves when the service ends; before shutdown that is a crash and takes the stack down. */
  exited?: Promise<unknown>;
};

export type SpawnOptions = {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** How long a child gets after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
};

export type Spawned = {
  child: ChildProcess;
  /** A reason string once the process has exited, for start-up waits to give up early. */
  failure(): string | undefined;
};

const COLORS: Record<string, number> = { stack: 32, postgres: 34, livekit: 33, api: 36, web: 35 };
const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

function label(name: string): string {
  const text = `[${name}]`;
  const color = COLORS[name];
  return useColor && color ? `\u001b[${color}m${text}\u001b[0m` : text;
}

/**
 * Starts services in order and stops them in reverse: on SIGINT/SIGTERM/SIGHUP, on a start-up
 * error, or when any of them dies on its own (a stack with a dead API is worse than no stack).
 */
export function createSupervisor(log: Logger) {
  const services: Service[] = [];
  const children = new Set<ChildProcess>();
  let ready = false;
  let shuttingDown: Promise<never> | undefined;

  // Last resort when the process ends without a clean shutdown (uncaught error, process.exit):
  // a child we started must not outlive us and hold its port.
  process.on("exit", () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  });

  const prefixer = (name: string): Logger => {
    const prefix = label(name);
    return (line) => console.log(`${prefix} ${line}`);
  };

  const shutdown = (code: number): Promise<never> => {
    shuttingDown ??= (async () => {
      for (const service of [...services].reverse()) {
        try {
          await service.stop();
        } catch (error) {
          log(`stopping ${service.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      log(code === 0 ? "stopped" : "stopped after an error");
      process.exit(code);
    })();
    return shuttingDown;
  };

  const add = (service: Service): void => {
    services.push(service);
    void service.exited?.then((how) => {
      if (shuttingDown) return;
      log(`${service.name} exited unexpectedly (${describeExit(how)})${ready ? "" : " during start-up"}; stopping everything`);
      void shutdown(1);
    });
  };

  const spawnChild = (opts: SpawnOptions): Spawned => {
    // Not detached: if whoever started us kills our process group (Playwright does), the children
    // go with us instead of lingering on their ports.
    const child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    const print = prefixer(opts.name);
    for (const stream of [child.stdout, child.stderr]) forEachLine(stream, print);

    let failure: string | undefined;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once("exit", (code, signal) => {
        children.delete(child);
        failure = `${opts.name} exited (${describeExit({ code, signal })})`;
        resolve({ code, signal });
      });
      child.once("error", (error) => {
        children.delete(child);
        failure = `${opts.name} could not be started: ${error.message}`;
        resolve({ code: null, signal: null });
      });
    });
    add({
      name: opts.name,
      exited,
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null || failure) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), opts.stopTimeoutMs ?? 10_000);
        await exited;
        clearTimeout(timer);
      },
    });
    return { child, failure: () => failure };
  };

  const installSignalHandlers = (): void => {
    let count = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      count += 1;
      if (count === 1) {
        log(`${signal} received, stopping (again to force)`);
        void shutdown(0);
        return;
      }
      for (const child of children) child.kill("SIGKILL");
      process.exit(1);
    };
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
  };

  return {
    prefixer,
    add,
    spawn: spawnChild,
    shutdown,
    installSignalHandlers,
    markReady: () => {
      ready = true;
    },
  };
}

function describeExit(how: unknown): string {
  if (typeof how === "object" && how !== null && "code" in how && "signal" in how) {
    const { code, signal } = how as { code: number | null; signal: string | null };
    return signal ? `signal ${signal}` : `code ${code ?? "?"}`;
  }
  return "no exit status";
}

/** Calls `onLine` for each non-empty line a stream produces (the last one even without a newline). */
export function forEachLine(stream: NodeJS.ReadableStream, onLine: Logger): void {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split(/\r?\n/);
    buffer = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") onLine(line);
  });
  stream.on("end", () => {
    if (buffer.trim() !== "") onLine(buffer);
  });
}
