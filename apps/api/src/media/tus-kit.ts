// What the two tus endpoints (message uploads, call recordings) share: the file store, how a refusal
// of ours is told from tus's own errors, and the reference a person quotes for an unexpected failure.
import { FileStore } from "@tus/file-store";
import { newRequestId } from "../error-reference";

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
export type HookRequest = Request & { runtime?: { node?: { req?: object; res?: { getHeader(name: string): unknown } } } };

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
