import { createWriteStream } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { Transform, type Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { formatBytes, LIBRARY_LIMITS } from "@ringback/core/library";
import { drainLimit } from "../http/read-body";

/*
 * A Live Photo upload's body: multipart/form-data with the file parts `still` and `clip` and the
 * field `pressOffsetMs`. Parts are streamed to files (never held in memory), each against its own
 * size limit. A body that breaks a rule is still read to its end, bytes thrown away, so the sender
 * gets the 4xx rather than a reset connection; past 16 times the largest allowed body the sender
 * is not a browser of ours and the connection is cut.
 */

export const PART_LIMITS = { still: LIBRARY_LIMITS.stillMaxBytes, clip: LIBRARY_LIMITS.clipMaxBytes } as const;
/** The largest whole body: both files plus room for the field and the part headers. */
export const MAX_BODY_BYTES = PART_LIMITS.still + PART_LIMITS.clip + 64 * 1024;

export const MULTIPART_REFUSED = {
  notMultipart: "Send the Live Photo as multipart/form-data",
  malformed: "That upload is not a valid form",
  unexpectedPart: "A Live Photo upload has only the parts still, clip and pressOffsetMs",
  missingFiles: "A Live Photo needs a still and a clip",
  pressOffset: `pressOffsetMs must be a whole number of milliseconds from 0 to ${LIBRARY_LIMITS.clipMaxMs}`,
  tooBig: (part: "still" | "clip") => `A Live Photo's ${part} can be at most ${formatBytes(PART_LIMITS[part])}`,
  bodyTooBig: `A Live Photo upload can be at most ${formatBytes(MAX_BODY_BYTES)}`,
} as const;

export type LivePhotoParts = { still: string; clip: string; pressOffsetMs: number };
/**
 * `cut`: the body was not read to its end (the sender is answered with `connection: close`).
 * `aborted`: the sender went away mid-body; there is nobody to answer.
 */
export type PartsResult =
  | { ok: true; parts: LivePhotoParts }
  | { ok: false; status: 400 | 410 | 413 | 415; message: string; cut?: boolean }
  | { ok: false; aborted: true };
type Refusal = Extract<PartsResult, { status: number }>;

type FilePart = "still" | "clip";
const isFilePart = (name: string): name is FilePart => name === "still" || name === "clip";

/**
 * Reads the body into `dir` (`dir/still`, `dir/clip`: no extension, see STILL_INPUT). The promise
 * settles only once every file handed out is closed (finished, or destroyed when the sender goes
 * away, the body grows past all bounds, or `arriveBy` passes), so the caller may remove `dir` at
 * once and no descriptor outlives the request.
 */
export function receiveLivePhotoParts(req: IncomingMessage, dir: string, opts: { arriveBy?: { at: number; refusal: { status: 410; message: string } } } = {}): Promise<PartsResult> {
  // gone while the request was being looked at: no `close` is coming any more
  if (req.destroyed && !req.complete) return Promise.resolve({ ok: false, aborted: true });
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // one more than allowed of each: busboy reports reaching a limit, not passing it; our own checks
      // below refuse a second still, clip or field by name
      limits: { fields: 2, fieldSize: 32, files: 3, parts: 4, headerPairs: 8, fileSize: Math.max(PART_LIMITS.still, PART_LIMITS.clip) + 1 },
    });
  } catch {
    return Promise.resolve({ ok: false, status: 415, message: MULTIPART_REFUSED.notMultipart });
  }

  return new Promise<PartsResult>((resolve, reject) => {
    // the first rule broken decides the answer; the body is read on regardless
    let refusal: Refusal | null = null;
    const refuse = (status: 400 | 413 | 415, message: string) => {
      refusal ??= { ok: false, status, message };
    };
    const files = new Map<FilePart, string>();
    const writes: Array<Promise<void>> = [];
    /** every stream handed out (busboy's parts, counters, file writers), to destroy when the request is given up */
    const streams: Array<Readable | Writable> = [];
    /** each file writer's close: its descriptor is released then */
    const closed: Array<Promise<void>> = [];
    let pressField: string | null = null;
    let received = 0;
    let settled = false;
    let stopping = false;
    const finish = (result: PartsResult | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.off("close", onGone);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };

    /**
     * Gives the request up: nothing more is read or written, every stream is destroyed, and the
     * result is given only once every file is closed.
     */
    const stop = (result: PartsResult) => {
      if (stopping || settled) return;
      stopping = true;
      req.unpipe(parser);
      parser.destroy();
      for (const stream of streams) stream.destroy();
      void Promise.allSettled([...writes, ...closed]).then(() => finish(result));
    };

    // the sender went away before the whole body arrived (a dropped connection: `aborted`, then `close`)
    const onGone = () => {
      if (!req.complete) stop({ ok: false, aborted: true });
    };
    req.on("close", onGone);
    req.on("error", onGone);

    const deadline = opts.arriveBy ? setTimeout(() => stop({ ...opts.arriveBy!.refusal, ok: false, cut: true }), Math.max(0, opts.arriveBy.at - Date.now())) : undefined;

    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_BODY_BYTES) refuse(413, MULTIPART_REFUSED.bodyTooBig);
      if (received > drainLimit(MAX_BODY_BYTES)) {
        stop({ ok: false, status: 413, message: MULTIPART_REFUSED.bodyTooBig, cut: true });
        req.destroy();
      }
    });

    parser.on("file", (name: string, stream: Readable) => {
      streams.push(stream);
      if (!isFilePart(name) || files.has(name)) refuse(400, MULTIPART_REFUSED.unexpectedPart);
      if (refusal || stopping || !isFilePart(name)) {
        stream.resume();
        return;
      }
      const path = join(dir, name);
      files.set(name, path);
      let size = 0;
      const limit = PART_LIMITS[name];
      // counted as it arrives: a part over its own limit is refused as soon as it is (busboy's limit is
      // one for all files), and what comes after is thrown away instead of written
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (size > limit) {
            refuse(413, MULTIPART_REFUSED.tooBig(name));
            done();
          } else {
            done(null, chunk);
          }
        },
      });
      const file = createWriteStream(path);
      closed.push(new Promise((done) => file.once("close", () => done())));
      streams.push(counter, file);
      writes.push(pipeline(stream, counter, file));
    });
    parser.on("field", (name: string, value: string, info: { valueTruncated: boolean }) => {
      if (name !== "pressOffsetMs" || pressField !== null) refuse(400, MULTIPART_REFUSED.unexpectedPart);
      else pressField = info.valueTruncated ? "" : value;
    });
    parser.on("partsLimit", () => refuse(400, MULTIPART_REFUSED.unexpectedPart));
    parser.on("filesLimit", () => refuse(400, MULTIPART_REFUSED.unexpectedPart));
    parser.on("fieldsLimit", () => refuse(400, MULTIPART_REFUSED.unexpectedPart));
    parser.on("error", () => {
      if (stopping) return;
      // a broken form: read the rest of the body (thrown away), then answer
      refuse(400, MULTIPART_REFUSED.malformed);
      req.unpipe(parser);
      req.resume();
      if (req.readableEnded) void settle();
      else req.once("end", () => void settle());
    });
    parser.on("close", () => {
      if (!stopping) void settle();
    });

    async function settle() {
      const written = await Promise.allSettled([...writes, ...closed]);
      if (stopping) return;
      // a broken form also breaks the part that was being written: the form is what to answer
      if (refusal) return finish(refusal);
      const failed = written.find((w) => w.status === "rejected");
      if (failed) return finish(failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason)));
      const still = files.get("still");
      const clip = files.get("clip");
      if (!still || !clip) return finish({ ok: false, status: 400, message: MULTIPART_REFUSED.missingFiles });
      const press = pressField ?? "";
      const pressOffsetMs = /^\d{1,6}$/.test(press) ? Number(press) : Number.NaN;
      if (!Number.isInteger(pressOffsetMs) || pressOffsetMs > LIBRARY_LIMITS.clipMaxMs) return finish({ ok: false, status: 400, message: MULTIPART_REFUSED.pressOffset });
      finish({ ok: true, parts: { still, clip, pressOffsetMs } });
    }

    req.pipe(parser);
  });
}
