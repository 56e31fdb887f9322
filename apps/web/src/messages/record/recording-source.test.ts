import { afterEach, describe, expect, it, vi } from "vitest";
import { RecordingSource, type SourceSlice } from "./recording-source";

const bytes = (n: number, fill: number) => new Blob([new Uint8Array(n).fill(fill)]);
const content = async (slice: SourceSlice) => (slice.value ? Array.from(new Uint8Array(await slice.value.arrayBuffer())) : null);
const pending = "pending" as const;
const settled = async <T>(promise: Promise<T>): Promise<T | typeof pending> => {
  const raced = Promise.race([promise, Promise.resolve().then((): typeof pending => pending)]);
  await vi.advanceTimersByTimeAsync(0);
  return raced;
};

afterEach(() => {
  vi.useRealTimers();
});

describe("RecordingSource (what tus-js-client uploads while recording)", () => {
  it("answers a whole chunk at once, and a short one after the wait, so the upload streams", async () => {
    vi.useFakeTimers();
    const source = new RecordingSource(2000);
    source.push(bytes(6, 1));
    source.push(bytes(6, 2));
    const full = await source.slice(0, 10);
    expect(await content(full)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(full.done).toBe(false);

    // 2 bytes recorded after it: not a whole chunk, so they wait, then go as they are
    const short = source.slice(10, 20);
    expect(await settled(short)).toBe(pending);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await content(await short)).toEqual([2, 2]);
  });

  it("reports done only after finish(), with the last bytes, so Send completes the upload", async () => {
    vi.useFakeTimers();
    const source = new RecordingSource(2000);
    source.push(bytes(3, 1));
    const waiting = source.slice(3, 13);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await settled(waiting)).toBe(pending); // nothing new: no empty PATCH, and not done
    // the recorder's last chunk (after Stop) goes out at once, still not done: the preview is on
    source.push(bytes(2, 2));
    expect(await content(await waiting)).toEqual([2, 2]);
    const send = source.slice(5, 15);
    expect(await settled(send)).toBe(pending);
    // Send: the slice after the last bytes says done (tus sends Upload-Length with it)
    source.finish();
    expect(await send).toEqual({ value: null, done: true });

    // bytes that are there when Send comes go in the final PATCH itself
    const other = new RecordingSource(2000);
    other.push(bytes(4, 7));
    other.finish();
    const last = await other.slice(0, 10);
    expect(last.done).toBe(true);
    expect(await content(last)).toEqual([7, 7, 7, 7]);
  });

  it("resends from the server's offset after a failed PATCH, and forgets what the server has", async () => {
    const source = new RecordingSource(2000);
    for (let i = 0; i < 3; i++) source.push(bytes(5, i + 1));
    await source.slice(0, 5);
    const inFlight = await source.slice(5, 10); // this PATCH fails part-way
    expect(await content(inFlight)).toEqual([2, 2, 2, 2, 2]);
    // the server kept 2 of its bytes (HEAD says offset 7): the next slice starts there
    expect(await content(await source.slice(7, 12))).toEqual([2, 2, 2, 3, 3]);
    // bytes the server confirmed are gone from the source
    await expect(source.slice(0, 5)).rejects.toThrow(/before the source's current offset/);
  });

  it("after cancel() slices fail, so an aborted upload never sends an Upload-Length", async () => {
    const source = new RecordingSource(2000);
    source.push(bytes(3, 1));
    const waiting = source.slice(3, 10);
    source.cancel();
    await expect(waiting).rejects.toThrow(/discarded/);
    source.push(bytes(20, 2));
    source.finish();
    await expect(source.slice(3, 10)).rejects.toThrow(/discarded/);
  });

  it("skips empty chunks and counts what was recorded", () => {
    const source = new RecordingSource();
    source.push(new Blob([]));
    source.push(bytes(3, 1));
    source.push(bytes(4, 1));
    expect(source.recordedBytes).toBe(7);
  });
});
