// What the two tus endpoints (message uploads, call recordings) share: the file store, the server
// options, what each request learnt before tus ran its hooks, how a refusal of ours is told from tus's
// own errors, and the answer (with its reference) for an unexpected failure.
import { FileStore } from "@tus/file-store";
import type { DataStore } from "@tus/server";
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE_MESSAGE, genericMessage, isDatabaseUnavailable, newRequestId } from "../error-reference";
import type { Logger } from "../logger";

/** What a refused tus request answers: the sender's browser shows `body` as it is. */
export type TusRefusal = { status_code: number; body: string };

/** A refusal of ours (tus's own errors are plain objects with its own, technical words). */
export class UploadRefusal implements TusRefusal {
  constructor(
    readonly status_code: number,
    readonly body: string,
  ) {}
}

export const refusal = (status_code: number, body: string): TusRefusal => new UploadRefusal(status_code, body);

export function isRefusal(err: unknown): err is TusRefusal {
  return typeof err === "object" && err !== null && typeof (err as TusRefusal).status_code === "number";
}

/** The request id the API server gave this request (server.ts sets it on the response first). */
const REQUEST_ID_HEADER = "x-request-id";

/** tus hands its hooks a web Request; on Node it carries the original request and response. */
export type HookRequest = Request & { runtime?: { node?: { req?: object; res?: { getHeader(name: string): unknown; setHeader?(name: string, value: string): unknown } } } };

/** The reference a person quotes for a failure of this request: its request id. */
export function referenceOf(req: HookRequest): string {
  const id = req.runtime?.node?.res?.getHeader(REQUEST_ID_HEADER);
  return typeof id === "string" && id !== "" ? id : newRequestId();
}

/**
 * The file store, but removing an upload whose files are already gone is not an error: a
 * termination discards the message first, and that removes the upload's files with it.
 */
export class UploadStore extends FileStore {
  override async remove(id: string): Promise<void> {
    try {
      await super.remove(id);
    } catch {
      // already gone
    }
  }
}

/** A fresh tus-style upload id (32 hex characters, as Uid.rand makes them). */
export function randomUploadId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
}

/** The tus server options both endpoints use; each adds its own hooks. */
export function sharedTusOptions(opts: { path: string; datastore: DataStore; maxSize: number; publicUrl: string }) {
  return {
    path: opts.path,
    datastore: opts.datastore,
    // the web origin proxies this path: a relative Location works through it and directly
    relativeLocation: true,
    respectForwardedHeaders: false,
    maxSize: opts.maxSize,
    allowedOrigins: [opts.publicUrl],
  };
}

/**
 * What the front handler learnt about each request (its signed-in person, at least) before tus ran
 * the hooks, which see only tus's own request: found through the Node request it carries.
 */
export function requestStates<S>() {
  const states = new WeakMap<object, S>();
  const peek = (req: HookRequest): S | undefined => {
    const node = req.runtime?.node?.req;
    return node ? states.get(node) : undefined;
  };
  return {
    set: (req: object, state: S): void => void states.set(req, state),
    peek,
    /** The request's state; the front handler sets it before tus sees the request. */
    of: (req: HookRequest): S => {
      const found = peek(req);
      if (!found) throw refusal(401, "Please sign in");
      return found;
    },
  };
}

/**
 * The answer for an error an endpoint did not answer itself: an unexpected failure (5xx) becomes the
 * generic message with a reference, its cause only in the log; tus's own 404/410 for an upload whose
 * files went while the request ran become our `notFound` words; anything else stays as tus put it.
 */
export function answerOtherError(
  req: HookRequest,
  err: unknown,
  status: number,
  opts: { notFound: string; log: Logger; what: string },
): TusRefusal | undefined {
  if (isDatabaseUnavailable(err)) {
    // Postgres restarting: not a fault of this upload, and a retry soon will do (tus-js-client retries)
    req.runtime?.node?.res?.setHeader?.("retry-after", String(DATABASE_RETRY_AFTER_SECONDS));
    return refusal(503, DATABASE_UNAVAILABLE_MESSAGE);
  }
  if (status >= 500) {
    // nothing of the cause (a path, a system error) reaches the browser: the reference finds it in the log
    const reference = referenceOf(req);
    opts.log.child({ reqId: reference }).error({ err, method: req.method, reference }, opts.what);
    return refusal(status, genericMessage(reference));
  }
  if (!(err instanceof UploadRefusal) && (status === 404 || status === 410)) return refusal(404, opts.notFound);
  return undefined;
}
