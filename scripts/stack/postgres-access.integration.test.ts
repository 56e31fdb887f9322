// A clone under a folder other users cannot enter (root's 0700 home): Postgres, running as the
// `postgres` user, must still start there, keep its data, and never share it with another clone.
import { execFile } from "node:child_process";
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { type OsUser, canAccess, installedBinaries, postgresBinaries, postgresOsUser, reachableDataDir } from "./postgres-access";
import { freeTcpPort } from "./ports";

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

// Only root hands Postgres to another OS user; for anyone else every path they can use is theirs.
describe.runIf(isRoot)("Postgres from a clone others cannot enter (as root)", () => {
  let scratch = "";
  let closed = ""; // plays root's home: mode 0700
  let owner: OsUser;
  const placement = () => ({ binaryCache: join(scratch, "cache"), relocatedData: join(scratch, "lib") });
  const noLog = () => undefined;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "ringback-access-"));
    await chmod(scratch, 0o755);
    closed = join(scratch, "home");
    await mkdir(closed, { mode: 0o700 });
    await chmod(closed, 0o700);
    const user = await postgresOsUser();
    if (!user) throw new Error("running as root but got no postgres OS user");
    owner = user;
    expect(await canAccess(owner, closed)).toBe(false);
  });
  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("runs binaries installed inside it from a root-owned copy the postgres user can reach", async () => {
    const installed = installedBinaries();
    const nativeDir = join(closed, "clone", "node_modules", "native");
    await mkdir(nativeDir, { recursive: true });
    await run("cp", ["-a", `${installed.nativeDir}/.`, nativeDir]);
    expect(await canAccess(owner, join(nativeDir, "bin", "initdb"))).toBe(false);

    const version = `${installed.version}-test`;
    const binaries = await postgresBinaries(owner, placement(), { nativeDir, version });
    expect(binaries.initdb.startsWith(join(scratch, "cache"))).toBe(true);
    const { stdout } = await run(binaries.postgres, ["--version"], { uid: owner.uid, gid: owner.gid });
    expect(stdout).toMatch(/^postgres \(PostgreSQL\) \d+/);
    // A second start (another clone, same version) reuses the copy instead of copying again.
    await writeFile(join(scratch, "cache", `postgres-${version}-${process.platform}-${process.arch}`, "marker"), "kept");
    expect(await postgresBinaries(owner, placement(), { nativeDir, version })).toEqual(binaries);
    expect(await readFile(join(scratch, "cache", `postgres-${version}-${process.platform}-${process.arch}`, "marker"), "utf8")).toBe("kept");
  });

  it("keeps the data outside, linked from the clone, persistent across restarts", async () => {
    const dataDir = join(closed, "clone", ".data", "postgres");
    const start = async () => startEmbeddedPostgres({ dataDir, port: await freeTcpPort(), placement: placement(), handleSignals: false });

    const first = await start();
    try {
      expect(first.dataDir.startsWith(join(scratch, "lib"))).toBe(true);
      expect((await lstat(dataDir)).isSymbolicLink()).toBe(true);
      expect(await readlink(dataDir)).toBe(first.dataDir);
      const sql = postgres(first.url, { max: 1, onnotice: noLog });
      await sql`create table kept (x int)`;
      await sql`insert into kept values (42)`;
      await sql.end();
    } finally {
      await first.stop();
    }

    const second = await start();
    try {
      expect(second.dataDir).toBe(first.dataDir);
      const sql = postgres(second.url, { max: 1, onnotice: noLog });
      expect(await sql`select x from kept`).toEqual([{ x: 42 }]);
      await sql.end();
    } finally {
      await second.stop();
    }
  });

  it("gives another clone (or profile) its own data dir, and wipes only that one when asked to start fresh", async () => {
    const a = await reachableDataDir(join(closed, "one-clone", ".data", "postgres"), owner, noLog, placement());
    await writeFile(join(a, "marker"), "A's");
    const dataDir = join(closed, "other-clone", ".data", "postgres");
    const b = await reachableDataDir(dataDir, owner, noLog, placement());
    expect(b).not.toBe(a);
    await writeFile(join(b, "leftover"), "from an earlier run");

    const fresh = await startEmbeddedPostgres({ dataDir, port: await freeTcpPort(), placement: placement(), handleSignals: false, fresh: true });
    try {
      expect(fresh.dataDir).toBe(b);
    } finally {
      await fresh.stop();
    }
    await expect(readFile(join(b, "leftover"), "utf8")).rejects.toThrow();
    expect(await readFile(join(a, "marker"), "utf8")).toBe("A's");
  });

  it("leaves nothing behind, outside the clone or in it, when a throw-away cluster stops", async () => {
    const dataDir = join(closed, "throw-away", ".data", "test-run", "postgres");
    const pg = await startEmbeddedPostgres({ dataDir, port: await freeTcpPort(), placement: placement(), handleSignals: false, fresh: true, persistent: false });
    const home = dirname(pg.dataDir);
    expect(home.startsWith(join(scratch, "lib"))).toBe(true);
    await pg.stop();
    await expect(lstat(home)).rejects.toThrow();
    await expect(lstat(dataDir)).rejects.toThrow();
  });

  it("moves data made while the folder was still reachable instead of starting empty", async () => {
    const dataDir = join(closed, "moved", ".data", "postgres");
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, "PG_VERSION"), "18\n");
    const target = await reachableDataDir(dataDir, owner, noLog, placement());
    expect(await readFile(join(target, "PG_VERSION"), "utf8")).toBe("18\n");
    expect(await readlink(dataDir)).toBe(target);
  });
});

describe("Postgres data dir for a normal user", () => {
  it.runIf(!isRoot)("stays where it was asked for", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ringback-access-"));
    try {
      expect(await reachableDataDir(join(dir, "pg"), await postgresOsUser(), () => undefined)).toBe(join(dir, "pg"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it.runIf(isRoot)("stays where it was asked for when the postgres user can reach it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ringback-access-"));
    await chmod(dir, 0o755);
    try {
      expect(await reachableDataDir(join(dir, "pg"), await postgresOsUser(), () => undefined)).toBe(join(dir, "pg"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
