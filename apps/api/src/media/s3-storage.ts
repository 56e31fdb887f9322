import { createReadStream } from "node:fs";
import { stat, unlink } from "node:fs/promises";
import { posix } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { MediaStorage, SignedUrlOptions } from "./storage";

/** Parts of a multipart upload: S3's minimum is 5 MB; 8 MB keeps a 250 MB message at ~32 parts. */
export const PART_BYTES = 8 * 1024 * 1024;
/** Parts in flight at once per upload (each is held in memory while it is sent). */
const QUEUE_SIZE = 2;

export type S3StorageOptions = {
  bucket: string;
  /** The S3 API's address as this process reaches it (unset: AWS in `region`). */
  endpoint?: string;
  /** Where browsers reach the store, for signed URLs (default: `endpoint`). */
  publicEndpoint?: string;
  region: string;
  /** Both, or neither (then the SDK's usual chain: environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** http://host/bucket/key instead of http://bucket.host/key: what most self-hosted stores need. */
  forcePathStyle: boolean;
  /** How long a signed URL stays valid. */
  urlTtlSeconds: number;
  /** How long the store may take (defaults: STORE_TIMEOUTS); tests shorten them. */
  timeouts?: Partial<StoreTimeouts>;
};

export type StoreTimeouts = {
  /** to open a connection */
  connectMs: number;
  /** from sending a request to the answer's headers: a whole 8 MB part, or a server-side copy */
  requestMs: number;
  /** with nothing moving either way on the connection (a stalled body) */
  idleMs: number;
  /** tries of each request (a dropped connection, a timeout and a 5xx are tried again) */
  maxAttempts: number;
};

/**
 * Without these the SDK waits forever: a hung store held every request that touched it (and the
 * database connection and locks of any that waited on it) until the API ran out of connections. An
 * 8 MB part at 1 MB/s is 8 s; a server-side copy of a 250 MB message is seconds on a local store.
 */
export const STORE_TIMEOUTS: StoreTimeouts = { connectMs: 3_000, requestMs: 60_000, idleMs: 20_000, maxAttempts: 3 };

/** What a person is told while the store cannot be reached (with a 503: nothing they did wrong). */
export const STORAGE_UNAVAILABLE_MESSAGE = "Storage is unavailable right now, try again in a moment";

/** The store did not answer (refused, dropped, timed out) or answered 5xx: try again later. */
export class StorageUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the media store is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "StorageUnavailableError";
  }
}

/** True for a store outage (as opposed to a refusal: a missing key, a denied request). */
export function isStorageUnavailable(err: unknown): boolean {
  return err instanceof StorageUnavailableError;
}

/** Store errors as the rest of the API sees them: an outage is a StorageUnavailableError. */
function classify(err: unknown): unknown {
  if (err instanceof StorageUnavailableError) return err;
  // the store answered: an outage only if it said so (5xx); a 4xx is a refusal about this request
  if (err instanceof S3ServiceException) return (err.$metadata.httpStatusCode ?? 0) >= 500 ? new StorageUnavailableError(err) : err;
  // no answer at all: refused, reset, timed out (the SDK's own TimeoutError), DNS
  if (err instanceof Error && (err.name === "TimeoutError" || typeof (err as { code?: unknown }).code === "string")) return new StorageUnavailableError(err);
  return err;
}

/**
 * Media in an S3-compatible bucket (AWS S3, SeaweedFS, Garage, R2 …). Files go up as multipart
 * uploads past one part, are read as streams (ranges asked of the store, nothing buffered whole),
 * and browsers fetch them through short-lived signed URLs instead of through the API.
 */
export class S3Storage implements MediaStorage {
  private readonly client: S3Client;
  /** Signs for the public address: a signature covers the host, so it is made for the one the browser uses. */
  private readonly signer: S3Client;
  private readonly bucket: string;

  constructor(private readonly opts: S3StorageOptions) {
    this.bucket = opts.bucket;
    const base: S3ClientConfig = {
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      // the SDK's default CRC32 trailers (aws-chunked bodies) are not understood by every
      // S3-compatible store; checksums only where the API requires one (DeleteObjects)
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    };
    const timeouts = { ...STORE_TIMEOUTS, ...opts.timeouts };
    this.client = new S3Client({
      ...base,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      maxAttempts: timeouts.maxAttempts,
      requestHandler: {
        connectionTimeout: timeouts.connectMs,
        requestTimeout: timeouts.requestMs,
        // without it a request past requestTimeout only logs a warning and goes on waiting
        throwOnRequestTimeout: true,
        socketTimeout: timeouts.idleMs,
      },
    });
    const publicEndpoint = opts.publicEndpoint ?? opts.endpoint;
    this.signer = new S3Client({ ...base, ...(publicEndpoint ? { endpoint: publicEndpoint } : {}) });
  }

  async putFile(key: string, fromPath: string): Promise<{ size: number }> {
    const Key = checkKey(key);
    const { size } = await stat(fromPath);
    // one PutObject up to a part, a multipart upload past it (aborted whole on failure: no half file)
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: createReadStream(fromPath), ContentLength: size },
      partSize: PART_BYTES,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    await upload.done().catch((err: unknown) => {
      throw classify(err);
    });
    // like LocalStorage's move: the caller's file is gone once it is stored
    await unlink(fromPath);
    return { size };
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    const Key = checkKey(key);
    const out = new PassThrough();
    const abort = new AbortController();
    // a reader that goes away (a player seeking) ends the request to the store too
    out.once("close", () => abort.abort());
    this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }), {
        abortSignal: abort.signal,
      })
      .then((answer) => {
        const body = answer.Body as Readable | undefined;
        if (!body) throw new Error(`S3 returned no body for ${Key}`);
        body.once("error", (err) => out.destroy(err));
        body.pipe(out);
      })
      .catch((err: unknown) => {
        const classified = classify(err);
        out.destroy(classified instanceof Error ? classified : new Error(String(err)));
      });
    return out;
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
      return { size: head.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw classify(err);
    }
  }

  async copy(fromKey: string, toKey: string): Promise<{ size: number }> {
    const from = checkKey(fromKey);
    const Key = checkKey(toKey);
    // server-side and atomic: the copy appears whole or not at all (up to 5 GB, past any message's size)
    await this.call(() => this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key, CopySource: `${this.bucket}/${from.split("/").map(encodeURIComponent).join("/")}` })));
    const copied = await this.stat(Key);
    if (!copied) throw new Error(`the copy of ${from} at ${Key} is not there`);
    return copied;
  }

  async delete(key: string): Promise<void> {
    // S3 answers a delete of a missing key with success
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: checkKey(key) })));
  }

  async deletePrefix(prefix: string): Promise<void> {
    const Prefix = checkKey(prefix);
    // a listing page holds at most 1000 keys, which is also DeleteObjects' limit
    let token: string | undefined;
    do {
      const page = await this.call(() => this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken: token })));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length > 0) {
        const gone = await this.call(() => this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } })));
        const failed = gone.Errors ?? [];
        if (failed.length > 0) throw new Error(`could not delete ${failed.length} of ${keys.length} files under ${Prefix}: ${failed[0]?.Code ?? ""} ${failed[0]?.Message ?? ""}`);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** One request, its failure classified (an outage vs. a refusal). */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw classify(err);
    }
  }

  signedUrl(key: string, opts: SignedUrlOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: checkKey(key),
      ResponseContentType: opts.contentType,
      ...(opts.contentDisposition ? { ResponseContentDisposition: opts.contentDisposition } : {}),
      // the browser may keep what it fetched, but not past the URL's own life
      ResponseCacheControl: `private, max-age=${this.opts.urlTtlSeconds}`,
    });
    return getSignedUrl(this.signer, command, { expiresIn: this.opts.urlTtlSeconds });
  }
}

/** Keys are relative paths that stay inside their folder: no absolute paths, no `..`, nothing empty. */
export function checkKey(key: string): string {
  const clean = posix.normalize(key);
  if (key.length === 0 || key.includes("\\") || key.includes("\0") || posix.isAbsolute(clean) || clean === ".." || clean.startsWith("../") || clean === ".") {
    throw new Error(`Invalid storage key "${key}"`);
  }
  // a prefix keeps its trailing slash (normalize keeps it too): "messages/<id>/" must not match "messages/<id>x"
  return clean;
}

function isNotFound(err: unknown): boolean {
  if (err instanceof S3ServiceException) return err.name === "NotFound" || err.name === "NoSuchKey" || err.$metadata.httpStatusCode === 404;
  return false;
}
