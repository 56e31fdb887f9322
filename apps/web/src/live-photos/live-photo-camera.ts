import { RollingBuffer, type Clip } from "./rolling-buffer";
import { grabStill } from "./still";

/*
 * The Live Photo camera of this tab, outside React: it keeps the rolling buffer of the one person
 * the shutter would capture, only while the shutter is enabled, and takes the photo at a press.
 * Components start and stop it (`aim`) and read its state through useSyncExternalStore.
 */

export type CameraSnapshot = {
  /** the buffer is recording the subject: a press now has a clip from before it */
  ready: boolean;
  /** a photo is being taken (the clip runs on for 1.5 s after the press) */
  busy: boolean;
};

export type Subject = { video: MediaStreamTrack; audio: MediaStreamTrack | null };

export type Taken = { still: Blob; width: number; height: number } & Clip;

export class LivePhotoCamera {
  private buffer: RollingBuffer | null = null;
  private subject: Subject | null = null;
  private snapshot: CameraSnapshot = { ready: false, busy: false };
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): CameraSnapshot => this.snapshot;

  /**
   * Buffers `subject`'s video and sound from now on (null: nobody, the buffer stops). The same
   * tracks again change nothing; other tracks (another person, a mic turned on) start a new buffer.
   */
  aim(subject: Subject | null): void {
    const same = subject && this.subject && subject.video.id === this.subject.video.id && subject.audio?.id === this.subject.audio?.id;
    if (same) return;
    this.buffer?.stop();
    this.buffer = null;
    this.subject = subject;
    if (subject && typeof MediaRecorder !== "undefined") {
      const tracks = subject.audio ? [subject.video, subject.audio] : [subject.video];
      this.buffer = new RollingBuffer(new MediaStream(tracks));
      this.buffer.start();
    }
    this.update({ ready: this.buffer !== null });
  }

  /**
   * The press: the still is this very frame (read at once); the clip is what the buffer has from
   * before and keeps until 1.5 s after. `videoElement` is the subject's tile, read if the browser
   * cannot grab frames from a track.
   */
  take(videoElement: HTMLVideoElement | null): Promise<Taken> {
    const subject = this.subject;
    const buffer = this.buffer;
    // decided before anything else happens: a press that cannot take a photo tells nobody
    if (!subject || !buffer || this.snapshot.busy) throw new Error("The camera isn’t ready yet. Try again in a moment.");
    const pressedAt = performance.now();
    const clipPromise = buffer.hold(pressedAt);
    if (!clipPromise) throw new Error("The camera isn’t ready yet. Try again in a moment.");
    this.update({ busy: true });
    const stillPromise = grabStill(subject.video, videoElement);
    return Promise.all([stillPromise, clipPromise])
      .then(([still, clip]) => ({ ...still, ...clip }))
      .finally(() => this.update({ busy: false }));
  }

  private update(patch: Partial<CameraSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}

let camera: LivePhotoCamera | null = null;

/** The tab's one Live Photo camera (made on first use, in the browser only). */
export function livePhotoCamera(): LivePhotoCamera {
  camera ??= new LivePhotoCamera();
  return camera;
}
