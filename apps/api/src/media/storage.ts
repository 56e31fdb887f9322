import type { Readable } from "node:stream";

/**
 * Where message media lives: local files under MEDIA_DIR by default; an S3-compatible store can
 * implement the same interface later. Keys are relative paths like `messages/<id>/media.webm`.
 */
export interface MediaStorage {
  /** Stores a file that already exists on local disk (moved when possible), returning its size. */
  putFile(key: string, fromPath: string): Promise<{ size: number }>;
  /** Reads a whole file, or the inclusive byte range [start, end]. */
  read(key: string, range?: { start: number; end: number }): Readable;
  /** Size of a stored file, or null when there is none. */
  stat(key: string): Promise<{ size: number } | null>;
  /**
   * Copies a stored file to another key (a saved message gets its own copy, so deleting the message
   * keeps it), returning the copy's size. The copy appears whole or not at all.
   */
  copy(fromKey: string, toKey: string): Promise<{ size: number }>;
  /** Removes a file; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every file under a prefix (a message's folder). */
  deletePrefix(prefix: string): Promise<void>;
}
