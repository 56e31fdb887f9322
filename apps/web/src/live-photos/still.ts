/*
 * A Live Photo's still: the frame of the subject's video track at the moment of the press, at the
 * track's own resolution (not the size of its tile on screen, and nothing of the page around it).
 */

type ImageCaptureLike = { grabFrame(): Promise<ImageBitmap> };
type ImageCaptureConstructor = new (track: MediaStreamTrack) => ImageCaptureLike;

const JPEG_QUALITY = 0.92;

/** The current frame of `track` as a JPEG, with its size. */
export async function grabStill(track: MediaStreamTrack, fallback: HTMLVideoElement | null): Promise<{ still: Blob; width: number; height: number }> {
  const frame = await grabFrame(track, fallback);
  const canvas = document.createElement("canvas");
  canvas.width = frame.width;
  canvas.height = frame.height;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("The photo couldn’t be taken.");
  context.drawImage(frame.source, 0, 0, frame.width, frame.height);
  frame.release();
  const still = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
  if (!still) throw new Error("The photo couldn’t be taken.");
  return { still, width: canvas.width, height: canvas.height };
}

type Frame = { source: CanvasImageSource; width: number; height: number; release: () => void };

async function grabFrame(track: MediaStreamTrack, fallback: HTMLVideoElement | null): Promise<Frame> {
  const Capture = (globalThis as unknown as { ImageCapture?: ImageCaptureConstructor }).ImageCapture;
  if (Capture && track.readyState === "live") {
    try {
      const bitmap = await new Capture(track).grabFrame();
      if (bitmap.width > 0 && bitmap.height > 0) return { source: bitmap, width: bitmap.width, height: bitmap.height, release: () => bitmap.close() };
      bitmap.close();
    } catch {
      // not every browser grabs frames of a remote track: read it from a video element instead
    }
  }
  const video = fallback ?? (await playingVideo(track));
  if (video.videoWidth === 0 || video.videoHeight === 0) throw new Error("There’s no picture to take yet.");
  return {
    source: video,
    width: video.videoWidth,
    height: video.videoHeight,
    release: () => {
      if (video !== fallback) video.srcObject = null;
    },
  };
}

/** A detached, muted <video> playing `track` (its videoWidth × videoHeight is the track's own size). */
async function playingVideo(track: MediaStreamTrack): Promise<HTMLVideoElement> {
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  await video.play();
  if (video.videoWidth === 0) {
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      video.addEventListener("resize", done, { once: true });
      setTimeout(done, 1000);
    });
  }
  return video;
}
