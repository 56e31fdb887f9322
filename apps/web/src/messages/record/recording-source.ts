/*
 * The recording as tus-js-client reads it while it is being recorded: a file source (`slice(start,
 * end)` → `{ value, done }`, the FileSource interface of tus-js-client 4.3.1) fed with the
 * MediaRecorder's chunks as they come.
 *
 * Why not a plain Reader (tus wraps one in its StreamSource, lib.esm/browser/sources/StreamSource.js):
 * - StreamSource answers a slice only once it holds a whole chunk (or the reader is done). A quiet
 *   camera or a voice at 48 kb/s takes many seconds, or the whole message, to fill 1 MB: the upload
 *   would not stream. This source answers with what it has after `maxWaitMs`, so what is recorded
 *   reaches the API within a couple of seconds; tus takes a shorter slice as it is (the server's
 *   offset decides where the next one starts).
 * - The rest is the same contract: the Upload keeps its source across retries (`start()` reuses
 *   `this._source`), and after a failed PATCH it asks the server for its offset (HEAD), which is never
 *   before the start of the slice in flight. So only bytes before the newest slice's start are
 *   dropped, and a dropped connection resends from the server's offset, without the client holding
 *   the whole recording for it (the chunks are the recorder's own Blobs, shared with the preview).
 * - A slice that reports `done` makes tus send `Upload-Length`, which completes the upload on the
 *   server: this source says done only after `finish()` (Send). After `cancel()` slices reject: an
 *   aborted upload drops a rejected slice silently (`_performUpload`'s catch), while a resolved one
 *   would still be sent.
 */

export type SourceSlice = { value: Blob | null; done: boolean };

type Waiter = { start: number; end: number; since: number; resolve: (slice: SourceSlice) => void; reject: (error: Error) => void };

export class RecordingSource {
  /** tus-js-client reads it only for uploads of known length: this one's is deferred */
  readonly size = null;
  private parts: Blob[] = [];
  /** offset of the first byte of `parts[0]` */
  private partsOffset = 0;
  private total = 0;
  private finished = false;
  private cancelled = false;
  private waiter: Waiter | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly maxWaitMs = 2000) {}

  /** Adds recorded bytes (empty chunks are skipped: they would only cost a request). */
  push(chunk: Blob): void {
    if (this.finished || this.cancelled || chunk.size === 0) return;
    this.parts.push(chunk);
    this.total += chunk.size;
    this.serve();
  }

  /** No more bytes: the last slice says done, so the upload completes. */
  finish(): void {
    if (this.finished || this.cancelled) return;
    this.finished = true;
    this.serve();
  }

  /** The recording is discarded: pending and later slices fail, so nothing more is sent. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.parts = [];
    const waiter = this.waiter;
    this.waiter = null;
    this.clearTimer();
    waiter?.reject(new Error("The recording was discarded."));
  }

  /** Bytes from `start` up to `end`: at once when that many are there, else what there is after a short wait. */
  slice(start: number, end: number): Promise<SourceSlice> {
    if (this.cancelled) return Promise.reject(new Error("The recording was discarded."));
    if (start < this.partsOffset) return Promise.reject(new Error("Requested data is before the source's current offset"));
    // the server has everything before `start`: those bytes are not needed again
    this.dropBefore(start);
    const previous = this.waiter;
    if (previous) previous.reject(new Error("A newer slice replaced this one."));
    return new Promise((resolve, reject) => {
      this.waiter = { start, end, since: Date.now(), resolve, reject };
      this.serve();
    });
  }

  close(): void {
    this.clearTimer();
  }

  /** Every byte pushed so far. */
  get recordedBytes(): number {
    return this.total;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  private serve(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const { start, end } = waiter;
    const available = this.total - start;
    const full = this.total >= end;
    const waited = Date.now() - waiter.since >= this.maxWaitMs;
    if (!full && !this.finished && !(waited && available > 0)) {
      if (!this.timer && available > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.serve();
        }, this.maxWaitMs - (Date.now() - waiter.since));
      }
      return;
    }
    this.waiter = null;
    this.clearTimer();
    const to = Math.min(end, this.total);
    const done = this.finished && to >= this.total;
    waiter.resolve({ value: to > start ? this.bytes(start, to) : null, done });
  }

  private bytes(start: number, end: number): Blob {
    const picked: Blob[] = [];
    let offset = this.partsOffset;
    for (const part of this.parts) {
      const partEnd = offset + part.size;
      if (partEnd > start && offset < end) picked.push(part.slice(Math.max(0, start - offset), Math.min(part.size, end - offset)));
      offset = partEnd;
      if (offset >= end) break;
    }
    return new Blob(picked, { type: this.parts[0]?.type ?? "" });
  }

  private dropBefore(start: number): void {
    while (this.parts.length > 0) {
      const first = this.parts[0];
      if (!first || this.partsOffset + first.size > start) break;
      this.parts.shift();
      this.partsOffset += first.size;
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
