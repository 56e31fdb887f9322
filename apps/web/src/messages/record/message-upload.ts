import { Upload, type DetailedError } from "tus-js-client";
import { RecordingSource } from "./recording-source";

/*
 * One message's recording on its way to the API while it is being recorded: a tus upload with a
 * deferred length, fed chunk by chunk, finalized only by `finish()` (Send). A dropped connection is
 * retried from the server's offset; a refusal (4xx) ends it with the API's own sentence.
 */

export type UploadPhase = "uploading" | "finishing" | "done" | "failed" | "cancelled";

export type UploadSnapshot = {
  phase: UploadPhase;
  /** bytes the server has acknowledged */
  acceptedBytes: number;
  /** bytes recorded so far */
  recordedBytes: number;
  /** a sentence for the person when phase is "failed" */
  error: string | null;
  /** "failed" because the connection gave up (Try Again resumes), not because the API refused */
  retryable: boolean;
};

export type MessageUploadOptions = {
  endpoint: string;
  messageId: string;
  filetype: string;
  /** tus metadata to send instead of `{ messageId, filetype }` (a call recording names its recordingId) */
  metadata?: Record<string, string>;
  /** most bytes per PATCH */
  chunkSize?: number;
  /** a PATCH goes out with what is recorded at the latest this long after the previous one */
  maxWaitMs?: number;
  /** waits between retries of a failed request; each accepted chunk starts the list again */
  retryDelays?: number[];
};

type FileReaderOption = NonNullable<ConstructorParameters<typeof Upload>[1]["fileReader"]>;

const DEFAULT_CHUNK = 1024 * 1024;
// About five minutes of retrying: a laptop lid, a train tunnel, a router restart.
const DEFAULT_RETRY_DELAYS = [0, 500, 1000, 2000, 3000, 3000, 5000, ...Array.from({ length: 28 }, () => 10_000)];

export class MessageUpload {
  private readonly source: RecordingSource;
  private readonly upload: Upload;
  private snapshot: UploadSnapshot = { phase: "uploading", acceptedBytes: 0, recordedBytes: 0, error: null, retryable: false };
  private readonly listeners = new Set<() => void>();
  private settle: { resolve: () => void; reject: (error: Error) => void } | null = null;
  private readonly done: Promise<void>;

  constructor(readonly options: MessageUploadOptions) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // nobody may be awaiting yet (a refusal can come before Send): keep it from being "unhandled"
    this.done.catch(() => {});
    const source = new RecordingSource(options.maxWaitMs);
    this.source = source;
    // The Upload wants a "file"; the file reader hands it the source as it is (see recording-source.ts).
    this.upload = new Upload(source as unknown as Blob, {
      fileReader: { openFile: () => Promise.resolve(source) } as unknown as FileReaderOption,
      endpoint: options.endpoint,
      uploadLengthDeferred: true,
      chunkSize: options.chunkSize ?? DEFAULT_CHUNK,
      metadata: options.metadata ?? { messageId: options.messageId, filetype: options.filetype },
      retryDelays: options.retryDelays ?? DEFAULT_RETRY_DELAYS,
      // A recording exists only in this tab: there is nothing to resume after a reload, so the
      // upload URL is not kept in localStorage (every stream would share one fingerprint there).
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: true,
      // tus-js-client's default gives up as soon as navigator.onLine is false; a recording should
      // rather keep trying until the network is back.
      onShouldRetry: (error) => isTransient(error),
      onChunkComplete: (_size, accepted) => this.update({ acceptedBytes: accepted }),
      onSuccess: () => {
        this.update({ phase: "done", error: null });
        this.settle?.resolve();
      },
      onError: (error) => {
        if (this.snapshot.phase === "cancelled") return;
        const retryable = !isRefusal(error);
        this.update({ phase: "failed", error: describeUploadError(error), retryable });
        if (!retryable) this.settle?.reject(new Error(describeUploadError(error)));
      },
    });
    this.upload.start();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): UploadSnapshot => this.snapshot;

  /** Adds a recorded chunk; it goes out within `maxWaitMs`, or at once when a whole PATCH's worth is there. */
  push(chunk: Blob): void {
    this.source.push(chunk);
    this.update({ recordedBytes: this.source.recordedBytes });
  }

  /**
   * No more recording: sends the rest and completes the upload. Resolves once the API has the whole
   * file (and accepted it), rejects with the API's sentence when it refuses it.
   */
  finish(): Promise<void> {
    if (this.snapshot.phase === "uploading") this.update({ phase: "finishing" });
    this.source.finish();
    return this.done;
  }

  /** After the connection gave up: try again from where the server is. */
  retry(): void {
    if (this.snapshot.phase !== "failed" || !this.snapshot.retryable) return;
    this.update({ phase: this.source.isFinished ? "finishing" : "uploading", error: null, retryable: false });
    this.upload.start();
  }

  /** Discards the upload: stops sending and deletes what the server has (tus termination). */
  async cancel(): Promise<void> {
    if (this.snapshot.phase === "cancelled" || this.snapshot.phase === "done") return;
    this.update({ phase: "cancelled" });
    this.source.cancel();
    this.settle?.reject(new Error("The recording was discarded."));
    try {
      await this.upload.abort(true);
    } catch {
      // The upload may already be gone (the message was cancelled or picked up); nothing to delete.
    }
  }

  private update(patch: Partial<UploadSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}

function status(error: Error | DetailedError): number {
  const response = "originalResponse" in error ? error.originalResponse : null;
  return response ? response.getStatus() : 0;
}

/** Network failures, server errors, a conflict over the offset or a lock: worth another try. */
export function isTransient(error: Error | DetailedError): boolean {
  const code = status(error);
  return code === 0 || code >= 500 || code === 409 || code === 423;
}

function isRefusal(error: Error | DetailedError): boolean {
  const code = status(error);
  return code >= 400 && code < 500 && code !== 409 && code !== 423;
}

/** What the person reads: the API's own sentence for a refusal, else a plain one about the connection. */
export function describeUploadError(error: Error | DetailedError): string {
  const response = "originalResponse" in error ? error.originalResponse : null;
  const code = response ? response.getStatus() : 0;
  if (response && code >= 400 && code < 500) {
    const sentence = readableBody(response.getBody());
    if (sentence) return sentence;
    if (code === 404) return "This message can no longer be sent.";
    if (code === 413) return "This recording is too large to send.";
    return "The message couldn’t be sent.";
  }
  if (code >= 500) return "Ringback couldn’t save the message. Please try again.";
  return "The connection was lost while sending. Check your connection and try again.";
}

/** A short plain sentence from a response body (text or `{ message }`), or null. */
export function readableBody(body: string | null | undefined): string | null {
  if (!body) return null;
  let text = body.trim();
  if (text.startsWith("{")) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
      const error = parsed.error as { message?: unknown } | string | undefined;
      const message =
        typeof parsed.message === "string" ? parsed.message : typeof error === "string" ? error : typeof error?.message === "string" ? error.message : null;
      text = message?.trim() ?? "";
    } catch {
      return null;
    }
  }
  if (!text || text.length > 200 || /[<>]/.test(text) || text.includes("\n")) return null;
  return text;
}
