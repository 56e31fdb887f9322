import { createLocalAudioTrack, Room, RoomEvent, Track, type LocalAudioTrack } from "livekit-client";
import { MESSAGE_LIMITS } from "@ringback/core/messages";
import { prepareConnect } from "~/calls/livekit-connect";
import { errorMessage } from "~/lib/trpc-errors";
import { containerType, pickMimeType, type BeginResult, type MessageApi } from "./begin";
import { MessageUpload, type UploadSnapshot } from "./message-upload";
import { describeMediaError } from "./video-recorder";

/*
 * Leaving a Live Voicemail, outside React: the microphone is published to the voicemail's LiveKit
 * room (the transcriber listens there and the callee may pick up), and the same track is recorded
 * and streamed to the API by tus. Send finalizes the upload first and only then leaves the room, so
 * the API has the whole file before the room empties. A pick-up ends all of it here: the call
 * screen joins the same room as a call.
 */

export type VoicemailPhase = "connecting" | "recording" | "sending" | "sent" | "picked-up" | "cancelled" | "failed";

export type VoicemailSnapshot = {
  phase: VoicemailPhase;
  elapsedMs: number;
  upload: UploadSnapshot | null;
  error: string | null;
};

const AUDIO_TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
const TIMESLICE_MS = 1000;
// Opus at 48 kb/s is ~6 KB a second: what is spoken reaches the API every two seconds (the
// upload's default wait), in PATCHes of a dozen KB; this only caps one after a long drop.
const CHUNK_BYTES = 256 * 1024;

export class VoicemailSession {
  private snapshot: VoicemailSnapshot = { phase: "connecting", elapsedMs: 0, upload: null, error: null };
  private readonly listeners = new Set<() => void>();
  private room: Room | null = null;
  private track: LocalAudioTrack | null = null;
  private recorder: MediaRecorder | null = null;
  private upload: MessageUpload | null = null;
  private message: BeginResult | null = null;
  private startedAt = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private recorderStopped: Promise<void> = Promise.resolve();
  private over = false;
  private meter: { context: AudioContext; analyser: AnalyserNode; data: Uint8Array<ArrayBuffer> } | null = null;

  constructor(private readonly api: MessageApi) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): VoicemailSnapshot => this.snapshot;

  get messageId(): string | null {
    return this.message?.messageId ?? null;
  }

  /** Opens the microphone, starts the message, joins its room and starts recording. */
  async start(): Promise<void> {
    try {
      this.track = await createLocalAudioTrack({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    } catch (error) {
      this.fail(describeMediaError(error));
      return;
    }
    if (this.over) return this.releaseMic();
    let message: BeginResult;
    try {
      message = await this.api.begin();
    } catch (error) {
      this.fail(errorMessage(error, "Couldn’t start the voicemail. Please try again."));
      return;
    }
    this.message = message;
    if (this.over) {
      void this.api.cancel(message.messageId).catch(() => {});
      return;
    }
    if (!message.voicemail) {
      this.fail("Couldn’t start the voicemail. Please try again.");
      return;
    }
    const room = new Room({ dynacast: false, publishDefaults: { dtx: false, red: true } });
    this.room = room;
    room.on(RoomEvent.Disconnected, () => {
      if (!this.over && this.snapshot.phase === "recording") this.fail("The voicemail was disconnected.");
    });
    try {
      // LiveKit's own ICE servers (its TURN) through a public origin; none on a single machine.
      const url = message.voicemail.livekitUrl;
      await room.connect(url, message.voicemail.token, prepareConnect(room, url, { autoSubscribe: false }));
      if (this.over) return;
      await room.localParticipant.publishTrack(this.track, { source: Track.Source.Microphone });
    } catch {
      if (this.over) return;
      this.fail("Couldn’t connect the voicemail. Please try again.");
      return;
    }
    if (this.over) return;
    this.startRecording(message);
  }

  /**
   * How loud the microphone is right now, 0 (silence) to 1, for the caller's "you are heard" ring.
   * Read it per animation frame; it costs nothing when no one asks.
   */
  micLevel(): number {
    const track = this.track;
    if (!track || this.over) return 0;
    if (!this.meter) {
      try {
        const context = new AudioContext();
        const analyser = context.createAnalyser();
        analyser.fftSize = 512;
        analyser.smoothingTimeConstant = 0.6;
        context.createMediaStreamSource(new MediaStream([track.mediaStreamTrack])).connect(analyser);
        this.meter = { context, analyser, data: new Uint8Array(new ArrayBuffer(analyser.fftSize)) };
      } catch {
        return 0;
      }
    }
    const { analyser, data } = this.meter;
    analyser.getByteTimeDomainData(data);
    let sum = 0;
    for (const v of data) {
      const x = (v - 128) / 128;
      sum += x * x;
    }
    const rms = Math.sqrt(sum / data.length);
    // speech sits around 0.02–0.2 RMS: a gentle curve so talking fills the ring and a room's hum barely moves it
    return Math.min(1, Math.sqrt(rms * 4));
  }

  /** Ends the voicemail and sends it: the upload completes first, then the room is left. */
  async send(): Promise<void> {
    if (this.snapshot.phase !== "recording" || !this.upload) return;
    const upload = this.upload;
    this.stopTicker();
    this.update({ phase: "sending", elapsedMs: Date.now() - this.startedAt });
    if (this.recorder && this.recorder.state !== "inactive") this.recorder.stop();
    // the recorder hands over its last chunk just before "stop"
    await this.recorderStopped;
    try {
      await upload.finish();
    } catch {
      // refused: the upload snapshot carries the API's sentence; the room is left all the same
      this.over = true;
      await this.leaveRoom();
      this.releaseMic();
      return;
    }
    this.over = true;
    this.update({ phase: "sent" });
    await this.leaveRoom();
    this.releaseMic();
  }

  /** Try Again after the connection gave up while sending. */
  retryUpload(): void {
    this.upload?.retry();
  }

  /** Discards the voicemail (Cancel, or closing the screen). */
  async cancel(): Promise<void> {
    if (this.over) return;
    this.over = true;
    this.update({ phase: "cancelled" });
    this.stopRecording();
    const upload = this.upload;
    const message = this.message;
    if (upload) void upload.cancel();
    if (message) void this.api.cancel(message.messageId).catch(() => {});
    await this.leaveRoom();
    this.releaseMic();
  }

  /**
   * The callee picked up: the voicemail is gone on the server, so the recording stops and nothing
   * more is sent. The room is now the call's: this session stays in it (the callee keeps hearing
   * the caller) until `handover` settles, i.e. the call screen's own session is in the same room
   * with its microphone, and leaves then. The API lets the two overlap for that moment.
   */
  async pickedUp(handover: Promise<unknown> = Promise.resolve()): Promise<void> {
    if (this.snapshot.phase === "picked-up" || this.snapshot.phase === "sent" || this.snapshot.phase === "cancelled") return;
    this.over = true;
    this.update({ phase: "picked-up" });
    this.stopRecording();
    if (this.upload) void this.upload.cancel();
    await handover.catch(() => {});
    await this.leaveRoom();
    this.releaseMic();
  }

  private startRecording(message: BeginResult): void {
    const track = this.track;
    if (!track) return;
    const mimeType = pickMimeType(AUDIO_TYPES);
    let recorder: MediaRecorder;
    try {
      recorder = new MediaRecorder(new MediaStream([track.mediaStreamTrack]), {
        ...(mimeType ? { mimeType } : {}),
        audioBitsPerSecond: 48_000,
      });
    } catch {
      this.fail("This browser can’t record audio.");
      return;
    }
    const upload = new MessageUpload({
      endpoint: message.uploadUrl,
      messageId: message.messageId,
      filetype: containerType(recorder.mimeType || mimeType, "audio/webm"),
      chunkSize: CHUNK_BYTES,
    });
    this.upload = upload;
    upload.subscribe(() => this.update({ upload: upload.getSnapshot() }));
    recorder.ondataavailable = (event) => {
      // "sending": the last chunk arrives after stop() and still goes; after Cancel or a pick-up nothing does
      const phase = this.snapshot.phase;
      if (event.data.size > 0 && (phase === "recording" || phase === "sending")) upload.push(event.data);
    };
    this.recorderStopped = new Promise((resolve) => {
      recorder.onstop = () => resolve();
    });
    this.recorder = recorder;
    recorder.start(TIMESLICE_MS);
    this.startedAt = Date.now();
    const limitMs = Math.min(MESSAGE_LIMITS.maxSeconds, message.maxSeconds) * 1000;
    this.update({ phase: "recording", elapsedMs: 0, upload: upload.getSnapshot() });
    this.ticker = setInterval(() => {
      const elapsedMs = Date.now() - this.startedAt;
      // at the limit the voicemail is sent, as a phone's voicemail ends the recording
      if (elapsedMs >= limitMs) void this.send();
      else this.update({ elapsedMs });
    }, 200);
  }

  private stopRecording(): void {
    this.stopTicker();
    const recorder = this.recorder;
    this.recorder = null;
    if (recorder && recorder.state !== "inactive") recorder.stop();
  }

  private async leaveRoom(): Promise<void> {
    const room = this.room;
    this.room = null;
    if (room) await room.disconnect().catch(() => {});
  }

  private releaseMic(): void {
    this.track?.stop();
    this.track = null;
    const meter = this.meter;
    this.meter = null;
    if (meter) void meter.context.close().catch(() => {});
  }

  private fail(error: string): void {
    const message = this.message;
    const upload = this.upload;
    this.over = true;
    this.stopRecording();
    if (upload) void upload.cancel();
    if (message) void this.api.cancel(message.messageId).catch(() => {});
    void this.leaveRoom();
    this.releaseMic();
    this.update({ phase: "failed", error });
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private update(patch: Partial<VoicemailSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}
