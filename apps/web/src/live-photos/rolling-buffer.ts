import { LIBRARY_LIMITS } from "@ringback/core/library";

/*
 * The last moments of someone's video and sound, kept so a Live Photo's clip can start before the
 * press. A MediaRecorder file can only be cut where it has a header and a key frame, so instead of
 * one endless recording there are two "lanes": each records for CYCLE_MS and starts afresh, the
 * second half a cycle after the first. At any moment one lane has been recording for between
 * BEFORE_MS and CYCLE_MS: at a press that lane is held, keeps recording until AFTER_MS past the
 * press, and its file (3 to 4.5 s, press inside) is the clip. The API cuts it to the window.
 */

const BEFORE_MS = LIBRARY_LIMITS.clipBeforeMs;
const AFTER_MS = LIBRARY_LIMITS.clipAfterMs;
/** each lane's file is at most this long before it starts again */
export const CYCLE_MS = 2 * BEFORE_MS;

export type Clip = { clip: Blob; pressOffsetMs: number; type: string };

/** What a browser records a clip as: WebM with VP8 (the cheapest to encode) and Opus, or what it has. */
export function clipMimeType(): string {
  if (typeof MediaRecorder === "undefined") return "";
  const candidates = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp8", "video/webm", "video/mp4"];
  return candidates.find((type) => MediaRecorder.isTypeSupported(type)) ?? "";
}

type Lane = {
  recorder: MediaRecorder | null;
  /** when the current recorder's file began (its start event), performance.now() time */
  startedAt: number;
  chunks: Blob[];
  timer: ReturnType<typeof setTimeout> | null;
  held: boolean;
};

export class RollingBuffer {
  private readonly lanes: Lane[] = [0, 1].map(() => ({ recorder: null, startedAt: 0, chunks: [], timer: null, held: false }));
  private stagger: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private readonly mimeType = clipMimeType();

  constructor(
    private readonly stream: MediaStream,
    /** a modest rate: two encoders run at once on machines with few cores */
    private readonly bitrates = { video: 1_000_000, audio: 64_000 },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const [first, second] = this.lanes;
    if (first) this.record(first);
    this.stagger = setTimeout(() => {
      if (second) this.record(second);
    }, BEFORE_MS);
  }

  /** Stops recording for good (a held lane still hands over what it has). */
  stop(): void {
    this.running = false;
    if (this.stagger) clearTimeout(this.stagger);
    for (const lane of this.lanes) {
      if (lane.timer) clearTimeout(lane.timer);
      lane.timer = null;
      if (!lane.held) this.drop(lane);
    }
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * The press: the lane that has recorded longest keeps recording until AFTER_MS past `pressedAt`
   * (performance.now() time), and its file is the clip. Null when nothing is recording.
   */
  hold(pressedAt: number): Promise<Clip> | null {
    const lane = this.lanes
      .filter((l) => l.recorder?.state === "recording" && !l.held)
      .sort((a, b) => a.startedAt - b.startedAt)[0];
    const recorder = lane?.recorder;
    if (!lane || !recorder) return null;
    lane.held = true;
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = null;
    const pressOffsetMs = Math.max(0, Math.round(pressedAt - lane.startedAt));
    return new Promise<Clip>((resolve, reject) => {
      const chunks = lane.chunks;
      recorder.onstop = () => {
        lane.held = false;
        resolve({ clip: new Blob(chunks, { type: recorder.mimeType || this.mimeType }), pressOffsetMs, type: recorder.mimeType || this.mimeType });
        // back into the rotation with a fresh file
        if (this.running && lane.recorder === recorder) this.record(lane);
      };
      recorder.onerror = () => {
        lane.held = false;
        reject(new Error("The clip couldn’t be recorded."));
      };
      setTimeout(() => {
        if (recorder.state !== "inactive") recorder.stop();
      }, Math.max(0, pressedAt + AFTER_MS - performance.now()));
    });
  }

  private record(lane: Lane): void {
    if (!this.running) return;
    this.drop(lane);
    let recorder: MediaRecorder;
    try {
      recorder = new MediaRecorder(this.stream, {
        ...(this.mimeType ? { mimeType: this.mimeType } : {}),
        videoBitsPerSecond: this.bitrates.video,
        audioBitsPerSecond: this.bitrates.audio,
      });
    } catch {
      return;
    }
    const chunks: Blob[] = [];
    lane.recorder = recorder;
    lane.chunks = chunks;
    lane.startedAt = performance.now();
    recorder.onstart = () => {
      lane.startedAt = performance.now();
    };
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    recorder.start();
    lane.timer = setTimeout(() => {
      lane.timer = null;
      if (!lane.held) this.record(lane);
    }, CYCLE_MS);
  }

  /** Ends a lane's recorder and forgets its file. */
  private drop(lane: Lane): void {
    const old = lane.recorder;
    lane.recorder = null;
    lane.chunks = [];
    if (!old) return;
    old.ondataavailable = null;
    old.onstop = null;
    if (old.state !== "inactive") old.stop();
  }
}
