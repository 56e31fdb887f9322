import type { Readable } from "node:stream";

/** What a signed URL makes the store answer with (the browser gets these headers from the store). */
export type SignedUrlOptions = { contentType: string; contentDisposition?: string };

/**
 * Where media lives: local files under MEDIA_DIR by default (local-storage.ts), or an S3-compatible
 * bucket when S3_BUCKET is set (s3-storage.ts). Keys are relative paths like `messages/<id>/media.webm`.
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
  /**
   * A short-lived URL the browser fetches the file from directly (object stores), instead of the API
   * streaming it; absent for storage the API serves itself.
   */
  signedUrl?(key: string, opts: SignedUrlOptions): Promise<string>;
}
