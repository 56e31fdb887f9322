import { containerType, pickMimeType } from "~/messages/record/begin";
import { MessageUpload, type UploadSnapshot } from "~/messages/record/message-upload";
import { errorMessage } from "~/lib/trpc-errors";
import type { CallSession } from "~/calls/call-session";
import { CallCompositor } from "./compositor";

/*
 * A call recording in this tab, outside React: recordings.start, the compositor (every camera on one
 * canvas, every microphone in one mix), a MediaRecorder cutting a chunk every second, and a tus upload
 * that sends each chunk to the API as it comes (deferred length, resumed from the server's offset).
 * Nothing is kept once the server has it: the upload's source drops acknowledged bytes, so an hour
 * of call never sits whole in memory, and a crashed tab loses only the last second or two.
 *
 * It ends on Stop (recordings.stop), on the server's own stop (someone joined without consent, the
 * Library is full...), when the call's room disconnects (hang-up, call over) and, as far as a closing
 * page allows, on pagehide; each way finishes the upload with what was recorded.
 */

export type RecordingApi = {
  start: (callId: string) => Promise<{ recordingId: string; uploadUrl: string; startedAt: Date }>;
  stop: (recordingId: string) => Promise<unknown>;
};

export type CallRecorderPhase = "starting" | "recording" | "finishing" | "done" | "failed";

export type CallRecorderSnapshot = {
  phase: CallRecorderPhase;
  recordingId: string | null;
  startedAt: Date | null;
  /** what the person is told when it could not start or was cut short */
  error: string | null;
  upload: UploadSnapshot | null;
};

const TYPES = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm"];
/**
 * MediaRecorder cuts a chunk a second and a PATCH goes out about a second after the previous one, so a
 * crashed tab loses about two seconds (LIBRARY_LIMITS.recordingChunkMs is the most the API expects).
 */
const TIMESLICE_MS = 1_000;
const UPLOAD_WAIT_MS = 1_000;
const UPLOAD_CHUNK_BYTES = 512 * 1024;

export class CallRecorder {
  private snapshot: CallRecorderSnapshot = { phase: "starting", recordingId: null, startedAt: null, error: null, upload: null };
  private readonly listeners = new Set<() => void>();
  private compositor: CallCompositor | null = null;
  private recorder: MediaRecorder | null = null;
  private upload: MessageUpload | null = null;
  private readonly cleanups: Array<() => void> = [];
  private stopping: Promise<void> | null = null;

  constructor(
    readonly callId: string,
    private readonly session: CallSession,
    private readonly api: RecordingApi,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): CallRecorderSnapshot => this.snapshot;

  get isOver(): boolean {
    return this.snapshot.phase === "done" || this.snapshot.phase === "failed";
  }

  /** Asks the API to start, then records and streams until stopped. Refusals land in `error`. */
  async start(): Promise<void> {
    let started: Awaited<ReturnType<RecordingApi["start"]>>;
    try {
      started = await this.api.start(this.callId);
    } catch (error) {
      this.update({ phase: "failed", error: errorMessage(error, "The recording couldn’t start. Please try again.") });
      return;
    }
    this.update({ recordingId: started.recordingId, startedAt: started.startedAt });
    try {
      if (this.session.isEnded) throw new Error("The call is over.");
      const compositor = new CallCompositor(this.session.room);
      this.compositor = compositor;
      await compositor.start();
      const mimeType = pickMimeType(TYPES);
      const filetype = containerType(mimeType, "video/webm");
      const upload = new MessageUpload({
        endpoint: started.uploadUrl,
        messageId: started.recordingId,
        filetype,
        metadata: { recordingId: started.recordingId, filetype },
        maxWaitMs: UPLOAD_WAIT_MS,
        chunkSize: UPLOAD_CHUNK_BYTES,
      });
      this.upload = upload;
      this.cleanups.push(upload.subscribe(() => this.onUpload(upload)));
      const recorder = new MediaRecorder(compositor.stream, {
        ...(mimeType ? { mimeType } : {}),
        videoBitsPerSecond: 900_000,
        audioBitsPerSecond: 64_000,
      });
      this.recorder = recorder;
      recorder.ondataavailable = (event) => upload.push(event.data);
      recorder.start(TIMESLICE_MS);
    } catch (error) {
      this.teardown();
      void this.api.stop(started.recordingId).catch(() => {});
      void this.upload?.cancel();
      this.update({ phase: "failed", error: errorMessage(error, "The recording couldn’t start. Please try again.") });
      return;
    }
    this.update({ phase: "recording" });
    // the call ends (hang-up, the call is over, the connection is gone): the recording ends with it
    this.cleanups.push(
      this.session.subscribe(() => {
        const phase = this.session.getSnapshot().phase;
        if (phase === "disconnected" || phase === "failed") void this.stop({ tellServer: true });
      }),
    );
    // a closing tab: stop cleanly as far as it gets (the API finishes a silent recording by itself)
    const onPageHide = () => void this.stop({ tellServer: true });
    window.addEventListener("pagehide", onPageHide);
    this.cleanups.push(() => window.removeEventListener("pagehide", onPageHide));
  }

  /**
   * Ends the recording: the last chunk is cut, the API is told (unless it stopped it itself), and the
   * upload is completed so the recording becomes a Library item.
   */
  stop(options: { tellServer: boolean }): Promise<void> {
    if (this.stopping) return this.stopping;
    if (this.snapshot.phase !== "recording") return Promise.resolve();
    this.update({ phase: "finishing" });
    this.stopping = this.finish(options.tellServer);
    return this.stopping;
  }

  /** The server stopped a recording (its `recording-stopped` event): stop this one if it is that one. */
  stoppedByServer(recordingId: string): void {
    if (this.snapshot.recordingId === recordingId) void this.stop({ tellServer: false });
  }

  private async finish(tellServer: boolean): Promise<void> {
    const recorder = this.recorder;
    const upload = this.upload;
    const recordingId = this.snapshot.recordingId;
    // the final chunk arrives with "stop"; only then is everything recorded in the upload
    if (recorder && recorder.state !== "inactive") {
      await new Promise<void>((resolve) => {
        recorder.addEventListener("stop", () => resolve(), { once: true });
        recorder.stop();
      });
    }
    this.teardown();
    if (tellServer && recordingId) await this.api.stop(recordingId).catch(() => {});
    if (!upload) {
      this.update({ phase: "done" });
      return;
    }
    try {
      await upload.finish();
      this.update({ phase: "done" });
    } catch (error) {
      this.update({ phase: "failed", error: errorMessage(error, "The recording couldn’t be saved.") });
    }
  }

  private onUpload(upload: MessageUpload): void {
    const snap = upload.getSnapshot();
    this.update({ upload: snap });
    // a refusal mid-way (the Library is full, the recording is no longer ours): say why and stop
    if (snap.phase === "failed" && !snap.retryable && this.snapshot.phase === "recording") {
      this.update({ error: snap.error });
      this.recorder?.stop();
      this.teardown();
      const recordingId = this.snapshot.recordingId;
      if (recordingId) void this.api.stop(recordingId).catch(() => {});
      this.update({ phase: "failed" });
    }
  }

  private teardown(): void {
    this.compositor?.stop();
    this.compositor = null;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private update(patch: Partial<CallRecorderSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
    for (const listener of registryListeners) listener();
  }
}

// ---- the one recording of this tab ----

let current: CallRecorder | null = null;
const registryListeners = new Set<() => void>();

/** Starts recording the call (unless this tab already records it). */
export function startRecording(callId: string, session: CallSession, api: RecordingApi): CallRecorder {
  if (current && current.callId === callId && !current.isOver) return current;
  const recorder = new CallRecorder(callId, session, api);
  current = recorder;
  for (const l of registryListeners) l();
  void recorder.start();
  return recorder;
}

export function currentRecorder(): CallRecorder | null {
  return current;
}

/** Notified when the tab's recorder is replaced or any of its state changes. */
export function subscribeRecorder(listener: () => void): () => void {
  registryListeners.add(listener);
  return () => registryListeners.delete(listener);
}
