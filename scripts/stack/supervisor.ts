import { spawn, type ChildProcess } from "node:child_process";
import { renameSync, writeFileSync } from "node:fs";

export type Logger = (line: string) => void;

/** One running instance of a service: a child process, or a server inside this process (no pid). */
export type Instance = {
  pid?: number;
  /** Resolves when the instance ends; before shutdown that is a crash. */
  exited?: Promise<unknown>;
  stop(): Promise<void>;
};

type Service = Instance & {
  name: string;
  /**
   * Starts a fresh instance with the same port, data and config and resolves once it is ready (it
   * cleans up after itself when it fails). Without it, a crash after start-up stops everything.
   */
  restart?: () => Promise<Instance>;
};

export type SpawnOptions = {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** How long a child gets after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
  /**
   * A restarted child's readiness check (e.g. its /healthz answers); `aborted` gives a reason once
   * the child has died or the stack is stopping. The first start's check is the caller's.
   */
  ready?: (aborted: () => string | undefined) => Promise<void>;
};

export type Spawned = {
  child: ChildProcess;
  /** A reason string once the process has exited, for start-up waits to give up early. */
  failure(): string | undefined;
};

/** Backoff after a crash: 1 s, 2 s, 4 s … at most 30 s; a service up this long starts again at 1 s. */
export const RESTART_POLICY = { firstDelayMs: 1_000, maxDelayMs: 30_000, resetAfterMs: 60_000 };

type Entry = {
  service: Service;
  current: Instance | undefined;
  restarts: number;
  /** Crashes in a row (reset once the service has stayed up resetAfterMs). */
  streak: number;
  startedAt: number;
  timer?: NodeJS.Timeout;
  relaunching?: Promise<void>;
};

const COLORS: Record<string, number> = { stack: 32, postgres: 34, livekit: 33, api: 36, web: 35 };
const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

function label(name: string): string {
  const text = `[${name}]`;
  const color = COLORS[name] ?? COLORS[name.replace(/-.*$/, "")];
  return useColor && color ? `\u001b[${color}m${text}\u001b[0m` : text;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Starts services in order and stops them in reverse: on SIGINT/SIGTERM/SIGHUP, on a start-up
 * error, or when one dies during start-up (a config error would only loop). Once the stack is
 * ready, a service that dies is restarted with backoff while the others keep serving.
 */
export function createSupervisor(log: Logger, opts: { policy?: typeof RESTART_POLICY } = {}) {
  const policy = opts.policy ?? RESTART_POLICY;
  const entries: Entry[] = [];
  const children = new Set<ChildProcess>();
  let ready = false;
  let stateFile: string | undefined;
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

  /** <dataDir>/services.json: each service's pid and restart count, for people and fault tests. */
  const writeState = (): void => {
    if (!stateFile) return;
    const state: Record<string, { pid: number; restarts: number; startedAt: string }> = {};
    for (const entry of entries) {
      const pid = entry.current?.pid;
      if (pid === undefined) continue;
      state[entry.service.name] = { pid, restarts: entry.restarts, startedAt: new Date(entry.startedAt).toISOString() };
    }
    try {
      // written whole and renamed, so a reader never sees half a file
      writeFileSync(`${stateFile}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
      renameSync(`${stateFile}.tmp`, stateFile);
    } catch (error) {
      log(`could not write ${stateFile}: ${message(error)}`);
    }
  };

  const shutdown = (code: number): Promise<never> => {
    shuttingDown ??= (async () => {
      for (const entry of entries) clearTimeout(entry.timer);
      for (const entry of [...entries].reverse()) {
        try {
          // a restart under way finishes (or gives up, seeing the shutdown) before we stop its result
          await entry.relaunching;
          await entry.current?.stop();
        } catch (error) {
          log(`stopping ${entry.service.name} failed: ${message(error)}`);
        }
      }
      log(code === 0 ? "stopped" : "stopped after an error");
      process.exit(code);
    })();
    return shuttingDown;
  };

  const scheduleRestart = (entry: Entry, what: string): void => {
    const { name } = entry.service;
    const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** entry.streak);
    entry.streak += 1;
    entry.restarts += 1;
    log(`${name} ${what}; restarting in ${formatSeconds(delay)} (restart ${entry.restarts})`);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.relaunching = relaunch(entry).finally(() => {
        entry.relaunching = undefined;
      });
    }, delay);
  };

  const relaunch = async (entry: Entry): Promise<void> => {
    const { name, restart } = entry.service;
    if (shuttingDown || !restart) return;
    let instance: Instance;
    try {
      instance = await restart();
    } catch (error) {
      if (!shuttingDown) scheduleRestart(entry, `failed to restart (${message(error).split("\n")[0]})`);
      return;
    }
    if (shuttingDown) {
      await instance.stop();
      return;
    }
    entry.current = instance;
    entry.startedAt = Date.now();
    writeState();
    watch(entry, instance);
    log(`${name} is back`);
  };

  const watch = (entry: Entry, instance: Instance): void => {
    void instance.exited?.then((how) => {
      if (shuttingDown || entry.current !== instance) return;
      entry.current = undefined;
      // a part that stayed up a while starts its backoff afresh; failed restarts after that keep
      // doubling it (decided here, when an instance dies, not when each restart is scheduled)
      if (Date.now() - entry.startedAt >= policy.resetAfterMs) entry.streak = 0;
      const what = `exited unexpectedly (${describeExit(how)})`;
      if (!ready || !entry.service.restart) {
        log(`${entry.service.name} ${what}${ready ? "" : " during start-up"}; stopping everything`);
        void shutdown(1);
        return;
      }
      scheduleRestart(entry, what);
    });
  };

  const add = (service: Service): void => {
    const entry: Entry = { service, current: service, restarts: 0, streak: 0, startedAt: Date.now() };
    entries.push(entry);
    writeState();
    watch(entry, service);
  };

  /**
   * Supervises a service whose start is still under way, so it can start alongside others: it
   * takes its place in the stop order now, and a shutdown meanwhile waits for it and stops it.
   */
  const starting = <T extends Instance>(name: string, start: Promise<T>, restart: () => Promise<Instance>): Promise<T> => {
    const entry: Entry = { service: { name, stop: async () => undefined, restart }, current: undefined, restarts: 0, streak: 0, startedAt: Date.now() };
    entries.push(entry);
    entry.relaunching = start.then(
      (instance) => {
        entry.current = instance;
        entry.startedAt = Date.now();
        writeState();
        watch(entry, instance);
      },
      () => undefined,
    );
    return start;
  };

  const spawnChild = (opts: SpawnOptions): Spawned => {
    const launch = (): Spawned & Instance => {
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
      const stop = async (): Promise<void> => {
        if (child.exitCode !== null || child.signalCode !== null || failure) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), opts.stopTimeoutMs ?? 10_000);
        await exited;
        clearTimeout(timer);
      };
      return { child, failure: () => failure, pid: child.pid, exited, stop };
    };

    const first = launch();
    add({
      name: opts.name,
      pid: first.pid,
      exited: first.exited,
      stop: first.stop,
      restart: async () => {
        const next = launch();
        try {
          await opts.ready?.(() => next.failure() ?? (shuttingDown ? "the stack is stopping" : undefined));
        } catch (error) {
          await next.stop();
          throw error;
        }
        return next;
      },
    });
    return { child: first.child, failure: first.failure };
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
    starting,
    spawn: spawnChild,
    shutdown,
    installSignalHandlers,
    /** Where services.json goes (the profile's data dir); written now and on every (re)start. */
    setStateFile: (file: string) => {
      stateFile = file;
      writeState();
    },
    markReady: () => {
      ready = true;
    },
  };
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
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
