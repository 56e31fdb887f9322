import { describe, expect, it } from "vitest";
// The exact source class tus-js-client wraps a Reader in, in the browser build the app ships.
// @ts-expect-error -- an internal module of tus-js-client 4.3.1 without type declarations
import StreamSource from "tus-js-client/lib.esm/browser/sources/StreamSource.js";
import { ChunkQueue } from "./chunk-queue";

type Slice = { value: Blob | null | undefined; done: boolean };
type Source = { slice: (start: number, end: number) => Promise<Slice>; close: () => void };

const bytes = (n: number, fill: number) => new Blob([new Uint8Array(n).fill(fill)]);
const text = async (blob: Blob | null | undefined) => (blob ? new Uint8Array(await blob.arrayBuffer()) : null);
const settled = async <T>(promise: Promise<T>, ms = 20): Promise<T | "pending"> =>
  Promise.race([promise, new Promise<"pending">((r) => setTimeout(() => r("pending"), ms))]);

describe("ChunkQueue as tus-js-client's Reader", () => {
  it("waits for a whole chunk while recording and only reports done after finish()", async () => {
    const queue = new ChunkQueue();
    const source = new StreamSource(queue) as Source;
    const first = source.slice(0, 10);
    queue.push(bytes(4, 1));
    expect(await settled(first)).toBe("pending");
    queue.push(bytes(8, 2));
    const got = await first;
    expect(got.done).toBe(false);
    expect(Array.from((await text(got.value)) ?? [])).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);

    // the rest (2 bytes) stays buffered while recording goes on: not done, no upload length yet
    const second = source.slice(10, 20);
    expect(await settled(second)).toBe("pending");
    queue.finish();
    // the last bytes go in a PATCH of their own; the one after has none and says done, which makes
    // tus-js-client send Upload-Length: the server completes the upload only then
    const last = await second;
    expect(last.done).toBe(false);
    expect((await text(last.value))?.length).toBe(2);
    expect(await source.slice(12, 22)).toEqual({ value: null, done: true });
  });

  it("resends from the server's offset after a failed PATCH without holding earlier chunks", async () => {
    const queue = new ChunkQueue();
    const source = new StreamSource(queue) as Source;
    for (let i = 0; i < 3; i++) queue.push(bytes(5, i + 1));
    await source.slice(0, 5);
    const inFlight = await source.slice(5, 10); // this PATCH fails mid-way
    expect(Array.from((await text(inFlight.value)) ?? [])).toEqual([2, 2, 2, 2, 2]);
    // the server kept 2 of its bytes (HEAD says offset 7): the source resends from there
    const resent = await source.slice(7, 12);
    expect(Array.from((await text(resent.value)) ?? [])).toEqual([2, 2, 2, 3, 3]);
    // what came before the newest slice is dropped: asking for it again is refused, not re-read
    await expect(source.slice(0, 5)).rejects.toThrow(/before the reader's current offset/);
  });

  it("after cancel() a pending read fails, so an aborted upload never sends an Upload-Length", async () => {
    const queue = new ChunkQueue();
    const source = new StreamSource(queue) as Source;
    queue.push(bytes(3, 1));
    const pending = source.slice(0, 10);
    queue.cancel();
    await expect(pending).rejects.toThrow(/discarded/);
    queue.push(bytes(20, 2));
    queue.finish();
    await expect(queue.read()).rejects.toThrow(/discarded/);
  });

  it("skips empty chunks and counts what was recorded", async () => {
    const queue = new ChunkQueue();
    queue.push(new Blob([]));
    queue.push(bytes(3, 1));
    queue.push(bytes(4, 1));
    expect(queue.size).toBe(7);
    expect(queue.pendingBytes).toBe(7);
    const read = await queue.read();
    expect(read.done).toBe(false);
    expect(queue.pendingBytes).toBe(4);
  });
});
