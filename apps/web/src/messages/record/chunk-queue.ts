/*
 * The recording as tus-js-client reads it: a Reader (`read()` → `{ value, done }`) fed with the
 * MediaRecorder's chunks while they are recorded.
 *
 * How tus-js-client 4.3.1 uses it (lib.esm/browser/sources/StreamSource.js, upload.js):
 * - The Upload wraps the Reader once in a StreamSource and keeps that source across retries
 *   (`start()` reuses `this._source`), so what it buffered survives a dropped connection.
 * - `slice(start, end)` reads until it holds `end` bytes (or the Reader is done) and only drops
 *   bytes before `start` of the newest slice. After a failed PATCH the upload asks the server for
 *   its offset (HEAD), which is never before the start of the chunk in flight: the source can
 *   resend from there. So the client holds about one chunk, never the whole recording.
 * - A slice that resolves `done` makes the next PATCH carry `Upload-Length`, which finalizes the
 *   upload on the server. So this Reader says done only after `finish()` (the person pressed Send),
 *   and a cancelled queue rejects pending reads instead: a rejected slice of an aborted upload is
 *   dropped silently (`_performUpload`'s catch), while a resolved one would still be sent.
 */

export type ChunkRead = { value: Blob; done: false } | { value: undefined; done: true };

export class ChunkQueue {
  private readonly chunks: Blob[] = [];
  private waiting: { resolve: (read: ChunkRead) => void; reject: (error: Error) => void } | null = null;
  private finished = false;
  private cancelled = false;
  private queuedBytes = 0;
  private totalBytes = 0;

  /** Adds recorded bytes (empty chunks are skipped: they would only cost a PATCH). */
  push(chunk: Blob): void {
    if (this.finished || this.cancelled) return;
    if (chunk.size === 0) return;
    this.totalBytes += chunk.size;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = null;
      waiting.resolve({ value: chunk, done: false });
      return;
    }
    this.chunks.push(chunk);
    this.queuedBytes += chunk.size;
  }

  /** No more chunks: once the queue drains, the reader reports done and the upload completes. */
  finish(): void {
    if (this.finished || this.cancelled) return;
    this.finished = true;
    const waiting = this.waiting;
    if (waiting && this.chunks.length === 0) {
      this.waiting = null;
      waiting.resolve({ value: undefined, done: true });
    }
  }

  /** The recording is discarded: every pending and later read fails, so nothing more is sent. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.chunks.length = 0;
    this.queuedBytes = 0;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(new Error("The recording was discarded."));
  }

  /** The Reader interface tus-js-client reads from. */
  read = (): Promise<ChunkRead> => {
    if (this.cancelled) return Promise.reject(new Error("The recording was discarded."));
    const next = this.chunks.shift();
    if (next) {
      this.queuedBytes -= next.size;
      return Promise.resolve({ value: next, done: false });
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    if (this.waiting) return Promise.reject(new Error("Only one read at a time."));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  };

  /** Bytes recorded but not yet handed to the upload. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Every byte ever pushed. */
  get size(): number {
    return this.totalBytes;
  }

  get isFinished(): boolean {
    return this.finished;
  }
}
