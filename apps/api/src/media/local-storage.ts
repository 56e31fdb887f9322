import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import type { Readable } from "node:stream";
import type { MediaStorage } from "./storage";

/** Media as plain files under one folder (the default: MEDIA_DIR, under the data folder). */
export class LocalStorage implements MediaStorage {
  constructor(private readonly root: string) {}

  /** The file behind a key; keys never leave the root (no absolute paths, no `..`). */
  pathOf(key: string): string {
    const clean = normalize(key);
    if (key.length === 0 || isAbsolute(clean) || clean === ".." || clean.startsWith(`..${sep}`)) {
      throw new Error(`Invalid storage key "${key}"`);
    }
    return join(this.root, clean);
  }

  async putFile(key: string, fromPath: string): Promise<{ size: number }> {
    const to = this.pathOf(key);
    await mkdir(dirname(to), { recursive: true });
    try {
      await rename(fromPath, to);
    } catch (err) {
      // another file system: copy, then remove the original
      if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
      await copyFile(fromPath, to);
      await unlink(fromPath);
    }
    return { size: (await stat(to)).size };
  }

  async copy(fromKey: string, toKey: string): Promise<{ size: number }> {
    const from = this.pathOf(fromKey);
    const to = this.pathOf(toKey);
    await mkdir(dirname(to), { recursive: true });
    // beside the target, then renamed: a reader never sees half a copy
    const partial = `${to}.${randomUUID()}.partial`;
    try {
      await copyFile(from, partial);
      await rename(partial, to);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    return { size: (await stat(to)).size };
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? { size: s.size } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.pathOf(prefix), { recursive: true, force: true });
  }
}
