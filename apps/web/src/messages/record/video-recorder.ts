import { MESSAGE_LIMITS } from "@ringback/core/messages";
import { containerType, pickMimeType, type BeginResult, type MessageApi } from "./begin";
import { errorMessage } from "~/lib/trpc-errors";
import { MessageUpload, type MessageUploadOptions, type UploadSnapshot } from "./message-upload";

/*
 * The video message recorder, outside React: camera and microphone, the 3-2-1 countdown, the
 * MediaRecorder, the upload that streams the take while it is recorded, and the preview. The dialog
 * subscribes through useSyncExternalStore and calls the explicit actions (open, stop, retake, send,
 * close). A take is held only as the recorder's Blob parts (for the preview and Save); the upload
 * reads the same chunks as they come.
 */

export type RecorderPhase =
  /** asking for the camera and microphone */
  | "opening"
  /** the 3-2-1 before recording */
  | "countdown"
  /** the countdown was cancelled: the camera is on, waiting for Record */
  | "ready"
  | "recording"
  /** stopped: the take plays back, waiting for Retake / Save / Send */
  | "preview"
  /** Send pressed: the rest of the upload goes out and the API checks it */
  | "sending"
  | "sent"
  /** no camera, or the API refused to start a message */
  | "failed";

export type RecorderSnapshot = {
  phase: RecorderPhase;
  /** 3, 2, 1 during the countdown */
  count: number;
  /** time recorded so far (recording) or the take's length (preview and after) */
  elapsedMs: number;
  /** the camera and microphone, for the live self-view */
  stream: MediaStream | null;
  /** object URL of the finished take */
  previewUrl: string | null;
  /** the take stopped itself at the time limit */
  hitLimit: boolean;
  /** the upload of the current take */
  upload: UploadSnapshot | null;
  /** a sentence for the person when something failed */
  error: string | null;
};

const VIDEO_TYPES = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm", "video/mp4"];
const TIMESLICE_MS = 1000;
const TICK_MS = 200;

export type VideoRecorderOptions = {
  api: MessageApi;
  /** the recording's length limit; the API's own (begin's maxSeconds) wins when it is shorter */
  maxSeconds?: number;
  countdownFrom?: number;
  countdownStepMs?: number;
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** how a take's upload is made (a MessageUpload to the API unless given) */
  createUpload?: (options: MessageUploadOptions) => TakeUpload;
};

/** What the recorder needs of a take's upload (MessageUpload's public side). */
export type TakeUpload = Pick<MessageUpload, "subscribe" | "getSnapshot" | "push" | "finish" | "retry" | "cancel">;

export class VideoMessageRecorder {
  private snapshot: RecorderSnapshot = {
    phase: "opening",
    count: 0,
    elapsedMs: 0,
    stream: null,
    previewUrl: null,
    hitLimit: false,
    upload: null,
    error: null,
  };
  private readonly listeners = new Set<() => void>();
  private closed = false;
  /** bumped by every new take and by close: async steps of an older take stop when it changed */
  private take = 0;
  private recorder: MediaRecorder | null = null;
  private parts: Blob[] = [];
  private upload: TakeUpload | null = null;
  private unsubscribeUpload: (() => void) | null = null;
  private message: BeginResult | null = null;
  private pendingBegin: Promise<{ ok: true; message: BeginResult } | { ok: false; error: unknown }> | null = null;
  private startedAt = 0;
  private stoppedAt: number | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private countdownTimer: ReturnType<typeof setTimeout> | null = null;
  private mimeType = "";

  constructor(private readonly options: VideoRecorderOptions) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RecorderSnapshot => this.snapshot;

  /** Opens the camera and microphone and starts the first take. */
  async open(): Promise<void> {
    const getUserMedia = this.options.getUserMedia ?? ((c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c));
    try {
      const stream = await getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 }, facingMode: "user" },
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
      if (this.closed) {
        stopTracks(stream);
        return;
      }
      this.update({ stream });
    } catch (error) {
      if (this.closed) return;
      this.update({ phase: "failed", error: describeMediaError(error) });
      return;
    }
    this.startTake();
  }

  /** Ends the take early (the countdown too) and shows the preview. */
  stop(): void {
    if (this.snapshot.phase === "countdown") {
      // stopping during the countdown records nothing: start the countdown over on Retake
      this.retake();
      return;
    }
    if (this.snapshot.phase !== "recording" || !this.recorder) return;
    this.stopTicker();
    this.stoppedAt ??= Date.now();
    if (this.recorder.state !== "inactive") this.recorder.stop();
  }

  /** Cancel during the 3-2-1: nothing is recorded; the camera stays on until Record. */
  cancelCountdown(): void {
    if (this.closed || this.snapshot.phase !== "countdown") return;
    this.discardTake();
    this.update({ phase: "ready", count: 0, elapsedMs: 0, upload: null });
  }

  /** Record from "ready": the 3-2-1 again, then the take. */
  record(): void {
    if (this.closed || this.snapshot.phase !== "ready" || !this.snapshot.stream) return;
    this.startTake();
  }

  /** Throws the take away (and its upload) and records a new one. */
  retake(): void {
    if (this.closed || !this.snapshot.stream) return;
    if (this.snapshot.phase === "sent" || this.snapshot.phase === "opening") return;
    this.discardTake();
    this.startTake();
  }

  /** Downloads the take to the device. */
  save(fileName: string): void {
    const url = this.snapshot.previewUrl;
    if (!url) return;
    const link = document.createElement("a");
    link.href = url;
    link.download = `${fileName}.${this.mimeType.startsWith("video/mp4") ? "mp4" : "webm"}`;
    link.rel = "noopener";
    document.body.append(link);
    link.click();
    link.remove();
  }

  /** Completes the upload: the API checks the file and the message goes out. */
  async send(): Promise<void> {
    const upload = this.upload;
    if (this.snapshot.phase !== "preview" || !upload) return;
    this.update({ phase: "sending" });
    try {
      await upload.finish();
      if (this.upload !== upload || this.closed) return;
      this.update({ phase: "sent" });
      // nothing left to record: the camera light goes off
      this.releaseCamera();
    } catch {
      // the upload snapshot carries the API's sentence; the dialog shows it with Retake
    }
  }

  /** Try Again after the connection gave up while sending. */
  retryUpload(): void {
    this.upload?.retry();
  }

  /** Closes the recorder; an unsent take is discarded on the server too. */
  close(): void {
    if (this.closed) return;
    const sent = this.snapshot.phase === "sent";
    this.closed = true;
    if (!sent) this.discardTake();
    this.take += 1;
    this.releaseCamera();
    this.listeners.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private startTake(): void {
    const take = ++this.take;
    this.parts = [];
    this.update({ phase: "countdown", count: this.options.countdownFrom ?? 3, elapsedMs: 0, hitLimit: false, error: null, upload: null });
    // the message is started while the countdown runs, so recording begins on time
    const begun = this.options.api.begin().then(
      (message) => ({ ok: true as const, message }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    // until the recording starts with it, a discarded take still owes the server a cancel
    this.pendingBegin = begun;
    const step = this.options.countdownStepMs ?? 1000;
    const tick = () => {
      if (take !== this.take) return;
      const next = this.snapshot.count - 1;
      if (next > 0) {
        this.update({ count: next });
        this.countdownTimer = setTimeout(tick, step);
        return;
      }
      this.countdownTimer = null;
      void begun.then((result) => {
        // a newer take or close replaced this one before it started (discardTake cancels its message)
        if (take !== this.take) return;
        this.pendingBegin = null;
        if (!result.ok) {
          this.update({ phase: "failed", error: errorMessage(result.error, "Couldn’t start the message. Please try again.") });
          return;
        }
        this.startRecording(result.message);
      });
    };
    this.countdownTimer = setTimeout(tick, step);
  }

  private startRecording(message: BeginResult): void {
    const stream = this.snapshot.stream;
    if (!stream) return;
    this.message = message;
    this.mimeType = pickMimeType(VIDEO_TYPES);
    let recorder: MediaRecorder;
    try {
      recorder = new MediaRecorder(stream, {
        ...(this.mimeType ? { mimeType: this.mimeType } : {}),
        videoBitsPerSecond: 2_500_000,
        audioBitsPerSecond: 96_000,
      });
    } catch {
      this.update({ phase: "failed", error: "This browser can’t record video." });
      return;
    }
    this.mimeType = recorder.mimeType || this.mimeType;
    const uploadOptions = { endpoint: message.uploadUrl, messageId: message.messageId, filetype: containerType(this.mimeType, "video/webm") };
    const upload = this.options.createUpload ? this.options.createUpload(uploadOptions) : new MessageUpload(uploadOptions);
    this.setUpload(upload);
    const take = this.take;
    recorder.ondataavailable = (event) => {
      if (take !== this.take || event.data.size === 0) return;
      this.parts.push(event.data);
      upload.push(event.data);
    };
    recorder.onstop = () => {
      if (take !== this.take) return;
      this.stopTicker();
      const blob = new Blob(this.parts, { type: this.mimeType || "video/webm" });
      const elapsedMs = Math.min((this.stoppedAt ?? Date.now()) - this.startedAt, limitMs);
      this.update({ phase: "preview", previewUrl: URL.createObjectURL(blob), elapsedMs });
    };
    this.recorder = recorder;
    this.stoppedAt = null;
    const limitMs = Math.min(this.options.maxSeconds ?? MESSAGE_LIMITS.maxSeconds, message.maxSeconds) * 1000;
    recorder.start(TIMESLICE_MS);
    this.startedAt = Date.now();
    this.update({ phase: "recording", count: 0, elapsedMs: 0 });
    this.ticker = setInterval(() => {
      const elapsedMs = Date.now() - this.startedAt;
      if (elapsedMs >= limitMs) {
        this.update({ elapsedMs: limitMs, hitLimit: true });
        this.stop();
        return;
      }
      this.update({ elapsedMs });
    }, TICK_MS);
  }

  private setUpload(upload: TakeUpload | null): void {
    this.unsubscribeUpload?.();
    this.unsubscribeUpload = null;
    this.upload = upload;
    if (upload) {
      this.unsubscribeUpload = upload.subscribe(() => {
        if (this.upload === upload) this.update({ upload: upload.getSnapshot() });
      });
    }
    this.update({ upload: upload?.getSnapshot() ?? null });
  }

  /** Stops the take in progress and discards its recording, preview and upload. */
  private discardTake(): void {
    this.take += 1;
    if (this.countdownTimer) clearTimeout(this.countdownTimer);
    this.countdownTimer = null;
    this.stopTicker();
    const recorder = this.recorder;
    this.recorder = null;
    if (recorder && recorder.state !== "inactive") recorder.stop();
    const upload = this.upload;
    const message = this.message;
    this.message = null;
    const pending = this.pendingBegin;
    this.pendingBegin = null;
    if (pending) void pending.then((result) => (result.ok ? this.options.api.cancel(result.message.messageId) : undefined)).catch(() => {});
    this.setUpload(null);
    if (upload) void upload.cancel();
    if (message) void this.options.api.cancel(message.messageId).catch(() => {});
    this.parts = [];
    if (this.snapshot.previewUrl) URL.revokeObjectURL(this.snapshot.previewUrl);
    this.update({ previewUrl: null, elapsedMs: 0 });
  }

  private releaseCamera(): void {
    if (this.snapshot.stream) stopTracks(this.snapshot.stream);
    this.update({ stream: null });
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private update(patch: Partial<RecorderSnapshot>): void {
    const next = { ...this.snapshot, ...patch };
    const same = (Object.keys(next) as Array<keyof RecorderSnapshot>).every((k) => next[k] === this.snapshot[k]);
    if (same) return;
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/** A sentence about a failed getUserMedia. */
export function describeMediaError(error: unknown): string {
  if (error instanceof DOMException && (error.name === "NotAllowedError" || error.name === "SecurityError")) {
    return "Ringback isn’t allowed to use your camera or microphone. Allow it in your browser’s site settings.";
  }
  if (error instanceof DOMException && error.name === "NotFoundError") return "No camera or microphone was found.";
  if (error instanceof DOMException && error.name === "NotReadableError") return "Your camera or microphone is in use by another app.";
  return "Your camera or microphone isn’t available.";
}
