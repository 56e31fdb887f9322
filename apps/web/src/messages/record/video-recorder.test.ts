import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BeginResult, MessageApi } from "./begin";
import type { MessageUploadOptions, UploadSnapshot } from "./message-upload";
import { VideoMessageRecorder, type TakeUpload } from "./video-recorder";

/*
 * The recorder's own logic with fakes for what Node lacks: a fake MediaRecorder (a chunk a second,
 * like the browser's with a 1 s timeslice), a fake camera stream and a fake upload. The real
 * camera, recorder and upload are covered by the Playwright specs (video-message, upload-resume).
 */

class FakeMediaRecorder {
  static instances: FakeMediaRecorder[] = [];
  static isTypeSupported = (type: string) => type === "video/webm;codecs=vp8,opus";
  state: "inactive" | "recording" = "inactive";
  ondataavailable: ((event: { data: Blob }) => void) | null = null;
  onstop: (() => void) | null = null;
  readonly mimeType: string;
  private timer: ReturnType<typeof setInterval> | null = null;
  constructor(_stream: unknown, options?: { mimeType?: string }) {
    this.mimeType = options?.mimeType ?? "";
    FakeMediaRecorder.instances.push(this);
  }
  start(timeslice: number) {
    this.state = "recording";
    this.timer = setInterval(() => this.ondataavailable?.({ data: new Blob([new Uint8Array(100)]) }), timeslice);
  }
  stop() {
    if (this.timer) clearInterval(this.timer);
    this.state = "inactive";
    // the browser hands over the last chunk, then "stop", on a later task
    setTimeout(() => {
      this.ondataavailable?.({ data: new Blob([new Uint8Array(10)]) });
      this.onstop?.();
    }, 0);
  }
}

class FakeUpload implements TakeUpload {
  pushed = 0;
  finished = false;
  cancelled = false;
  constructor(readonly options: MessageUploadOptions) {}
  subscribe = () => () => {};
  getSnapshot = (): UploadSnapshot => ({ phase: "uploading", acceptedBytes: 0, recordedBytes: this.pushed, error: null, retryable: false });
  push = (chunk: Blob) => {
    this.pushed += chunk.size;
  };
  finish = () => {
    this.finished = true;
    return Promise.resolve();
  };
  retry = () => {};
  cancel = () => {
    this.cancelled = true;
    return Promise.resolve();
  };
}

function setup(opts: { maxSeconds?: number; refuse?: string } = {}) {
  let n = 0;
  const begun: string[] = [];
  const api: MessageApi & { cancelled: string[] } = {
    cancelled: [],
    begin: () => {
      if (opts.refuse) return Promise.reject(new Error(opts.refuse));
      n += 1;
      begun.push(`m${n}`);
      const result: BeginResult = { messageId: `m${n}`, kind: "video", maxSeconds: 180, maxBytes: 1e9, uploadUrl: "/api/uploads", voicemail: null };
      return Promise.resolve(result);
    },
    cancel: (messageId: string) => {
      api.cancelled.push(messageId);
      return Promise.resolve();
    },
  };
  const uploads: FakeUpload[] = [];
  const track = { stop: vi.fn() };
  const stream = { getTracks: () => [track] } as unknown as MediaStream;
  const recorder = new VideoMessageRecorder({
    api,
    maxSeconds: opts.maxSeconds,
    getUserMedia: () => Promise.resolve(stream),
    createUpload: (options) => {
      const upload = new FakeUpload(options);
      uploads.push(upload);
      return upload;
    },
  });
  const counts: number[] = [];
  recorder.subscribe(() => {
    const s = recorder.getSnapshot();
    if (s.phase === "countdown" && counts.at(-1) !== s.count) counts.push(s.count);
  });
  return { recorder, api, begun, uploads, track, counts };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeMediaRecorder.instances = [];
  vi.stubGlobal("MediaRecorder", FakeMediaRecorder);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("VideoMessageRecorder", () => {
  it("counts 3-2-1, then records and streams each chunk to the take's upload", async () => {
    const { recorder, uploads, counts } = setup();
    await recorder.open();
    expect(recorder.getSnapshot().phase).toBe("countdown");
    await vi.advanceTimersByTimeAsync(3000);
    expect(counts).toEqual([3, 2, 1]);
    expect(recorder.getSnapshot().phase).toBe("recording");
    expect(FakeMediaRecorder.instances[0]?.mimeType).toBe("video/webm;codecs=vp8,opus");
    expect(uploads[0]?.options).toEqual({ endpoint: "/api/uploads", messageId: "m1", filetype: "video/webm" });
    await vi.advanceTimersByTimeAsync(4000);
    expect(recorder.getSnapshot().elapsedMs).toBeGreaterThanOrEqual(3800);
    expect(uploads[0]?.pushed).toBe(400);
  });

  it("stops by itself at the time limit and shows the take", async () => {
    const { recorder } = setup({ maxSeconds: 5 });
    await recorder.open();
    await vi.advanceTimersByTimeAsync(3000 + 5000 + 300);
    const snap = recorder.getSnapshot();
    expect(snap.phase).toBe("preview");
    expect(snap.hitLimit).toBe(true);
    expect(snap.elapsedMs).toBe(5000);
    expect(snap.previewUrl).toMatch(/^blob:/);
  });

  it("Retake throws the take away on the server (upload and message) and starts a new one", async () => {
    const { recorder, api, uploads } = setup();
    await recorder.open();
    await vi.advanceTimersByTimeAsync(3000 + 2000);
    recorder.stop();
    await vi.advanceTimersByTimeAsync(10);
    expect(recorder.getSnapshot().phase).toBe("preview");
    recorder.retake();
    expect(uploads[0]?.cancelled).toBe(true);
    expect(api.cancelled).toEqual(["m1"]);
    expect(recorder.getSnapshot()).toMatchObject({ phase: "countdown", previewUrl: null, elapsedMs: 0 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(recorder.getSnapshot().phase).toBe("recording");
    expect(uploads[1]?.options.messageId).toBe("m2");
  });

  it("Cancel during the 3-2-1 records nothing and waits with the camera on; Record counts again", async () => {
    const { recorder, api, track, uploads } = setup();
    await recorder.open();
    await vi.advanceTimersByTimeAsync(1000);
    recorder.cancelCountdown();
    expect(recorder.getSnapshot()).toMatchObject({ phase: "ready", count: 0, elapsedMs: 0 });
    await vi.advanceTimersByTimeAsync(5000);
    // nothing started: the begun message is cancelled, no upload, the camera still on
    expect(recorder.getSnapshot().phase).toBe("ready");
    expect(api.cancelled).toEqual(["m1"]);
    expect(uploads).toHaveLength(0);
    expect(track.stop).not.toHaveBeenCalled();
    recorder.record();
    expect(recorder.getSnapshot()).toMatchObject({ phase: "countdown", count: 3 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(recorder.getSnapshot().phase).toBe("recording");
    expect(uploads[0]?.options.messageId).toBe("m2");
  });

  it("Send completes the upload, says sent and turns the camera off", async () => {
    const { recorder, uploads, api, track } = setup();
    await recorder.open();
    await vi.advanceTimersByTimeAsync(3000 + 2000);
    recorder.stop();
    await vi.advanceTimersByTimeAsync(10);
    // the last chunk after Stop went to the upload too
    expect(uploads[0]?.pushed).toBe(210);
    await recorder.send();
    expect(uploads[0]?.finished).toBe(true);
    expect(recorder.getSnapshot().phase).toBe("sent");
    expect(track.stop).toHaveBeenCalled();
    recorder.close();
    expect(api.cancelled).toEqual([]);
    expect(uploads[0]?.cancelled).toBe(false);
  });

  it("closing discards: the recording, its upload and its message; a begin still on its way is cancelled too", async () => {
    const { recorder, api, uploads, track } = setup();
    await recorder.open();
    await vi.advanceTimersByTimeAsync(3000 + 1000);
    recorder.close();
    expect(uploads[0]?.cancelled).toBe(true);
    expect(api.cancelled).toEqual(["m1"]);
    expect(track.stop).toHaveBeenCalled();

    const second = setup();
    await second.recorder.open();
    second.recorder.close(); // during the countdown, before the recording started
    await vi.advanceTimersByTimeAsync(5000);
    expect(second.begun).toEqual(["m1"]);
    expect(second.api.cancelled).toEqual(["m1"]);
    expect(second.uploads).toHaveLength(0);
    expect(FakeMediaRecorder.instances).toHaveLength(1);
  });

  it("shows the API's refusal and records nothing", async () => {
    const { recorder, uploads } = setup({ refuse: "You can't leave a message for this call." });
    await recorder.open();
    await vi.advanceTimersByTimeAsync(3000);
    expect(recorder.getSnapshot()).toMatchObject({ phase: "failed", error: "You can't leave a message for this call." });
    expect(uploads).toHaveLength(0);
    expect(FakeMediaRecorder.instances).toHaveLength(0);
  });
});
