/*
 * A camera's newest picture as plain pixels the recording canvas can draw, without Chromium keeping
 * a copy of every frame drawn.
 *
 * Why not `drawImage(video)`: for each video frame drawn onto a 2D canvas, Chromium converts the frame
 * to RGB through its paint-image cache, which keeps every conversion in discardable shared memory
 * (4 MiB segments shared with the browser process) until that memory's whole budget (about 512 MB)
 * is used. Each new frame is a new image, so at 15 frames a second the recording tab's memory grows
 * by 10–20 MB a second until it is hundreds of MB over (measured: 129 segments, +450 MB of RssShmem
 * in 30 s for one 640×480 camera; drawing a VideoFrame or an ImageBitmap of it goes the same way).
 *
 * Here the frames are read from the track (MediaStreamTrackProcessor), the newest one is converted
 * by `VideoFrame.copyTo(..., { format: "RGBA" })` into one reused buffer and put onto a small canvas
 * of the camera's own size; the recording draws that canvas, which is an ordinary bitmap with nothing
 * to cache. At most one conversion is in flight: a camera faster than the recording, or a busy tab,
 * drops frames instead of queueing them. Where the browser can't do this, `create` returns null and
 * the caller draws the <video> element as before.
 */

type Processor = { readable: ReadableStream<VideoFrame> };
type ProcessorConstructor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => Processor;

export class FrameCopier {
  /** what to draw; `width`×`height` are its pixels (0 until the first frame is in) */
  readonly canvas: HTMLCanvasElement;
  width = 0;
  height = 0;
  private readonly context: CanvasRenderingContext2D;
  private pixels: ImageData | null = null;
  private latest: VideoFrame | null = null;
  private copying = false;
  private copiedAt = 0;
  private closed = false;
  private failed = false;
  private readonly reader: ReadableStreamDefaultReader<VideoFrame>;

  static create(track: MediaStreamTrack): FrameCopier | null {
    const Processor = (globalThis as { MediaStreamTrackProcessor?: ProcessorConstructor }).MediaStreamTrackProcessor;
    if (!Processor || typeof VideoFrame === "undefined" || typeof VideoFrame.prototype.copyTo !== "function") return null;
    try {
      return new FrameCopier(new Processor({ track, maxBufferSize: 1 }));
    } catch {
      return null;
    }
  }

  private constructor(processor: Processor) {
    this.canvas = document.createElement("canvas");
    this.canvas.width = 1;
    this.canvas.height = 1;
    const context = this.canvas.getContext("2d", { alpha: false });
    if (!context) throw new Error("no 2d context");
    this.context = context;
    this.reader = processor.readable.getReader();
    void this.read();
  }

  /** False once copying turned out not to work here (the caller falls back to the element). */
  get usable(): boolean {
    return !this.failed && !this.closed;
  }

  /**
   * Converts the newest frame (if any, and if the previous conversion is done); call once per tick.
   * `minIntervalMs`: a camera drawn much smaller than it is (your inset) is converted less often.
   */
  update(minIntervalMs = 0): void {
    if (this.copying || this.closed || this.failed) return;
    const now = performance.now();
    if (this.width > 0 && now - this.copiedAt < minIntervalMs) return;
    const frame = this.latest;
    if (!frame) return;
    this.latest = null;
    const { visibleRect } = frame;
    const width = visibleRect?.width ?? frame.codedWidth;
    const height = visibleRect?.height ?? frame.codedHeight;
    if (width <= 0 || height <= 0) {
      frame.close();
      return;
    }
    if (!this.pixels || this.pixels.width !== width || this.pixels.height !== height) this.pixels = new ImageData(width, height);
    const pixels = this.pixels;
    this.copying = true;
    this.copiedAt = now;
    frame
      .copyTo(pixels.data, { format: "RGBA", colorSpace: "srgb" })
      .then(() => {
        if (this.closed) return;
        if (this.canvas.width !== width || this.canvas.height !== height) {
          this.canvas.width = width;
          this.canvas.height = height;
        }
        this.context.putImageData(pixels, 0, 0);
        this.width = width;
        this.height = height;
      })
      .catch(() => {
        // RGBA conversion not supported here: draw the element instead
        this.failed = true;
      })
      .finally(() => {
        frame.close();
        this.copying = false;
      });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.latest?.close();
    this.latest = null;
    void this.reader.cancel().catch(() => {});
  }

  private async read(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await this.reader.read();
        if (done) break;
        if (this.closed) {
          value.close();
          break;
        }
        // only the newest frame is worth converting
        this.latest?.close();
        this.latest = value;
      }
    } catch {
      // the track ended or the reader was cancelled
    }
  }
}
