/*
 * Devices opened around a ring so that Accept waits for as little as possible, and no more than a
 * person would expect:
 * - while a VIDEO call rings, the camera only, and only in a tab someone is looking at: the
 *   incoming-call screen shows the person's own preview (as a calling app does). Only when the
 *   browser already lets Ringback use the camera: a permission prompt in the middle of a ring,
 *   before anyone chose to answer, would be rude. An audio ring opens nothing.
 * - the microphone never before Accept: Accept opens it, alongside the connection.
 * The call session publishes these very tracks once the person has accepted; nothing is ever
 * published from here, and a ring that ends unanswered, is declined or fails to answer stops them.
 * No LiveKit here: the ring must not pull the call code into every signed-in page.
 */

/** What the call session captures too (livekit's h360 preset and its audio processing). */
export const VIDEO_CAPTURE: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } };
export const AUDIO_CAPTURE: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/** A session that was handed the tracks takes them at once; if it never does, they stop after this. */
const HAND_OVER_MS = 20_000;

type Held = {
  callId: string;
  camera: Promise<MediaStream | null>;
  microphone: Promise<MediaStream | null>;
  opened: MediaStream[];
  released: boolean;
  handedOver: boolean;
  timer: number | null;
};
let held: Held | null = null;

function newEntry(callId: string): Held {
  return { callId, camera: Promise.resolve(null), microphone: Promise.resolve(null), opened: [], released: false, handedOver: false, timer: null };
}

function stop(entry: Held): void {
  entry.released = true;
  if (entry.timer !== null) window.clearTimeout(entry.timer);
  for (const stream of entry.opened) for (const track of stream.getTracks()) track.stop();
  if (held === entry) held = null;
}

async function allowed(name: "camera" | "microphone"): Promise<boolean> {
  try {
    const status = await navigator.permissions.query({ name: name as PermissionName });
    return status.state === "granted";
  } catch {
    return false; // a browser that cannot tell: leave it to Accept
  }
}

/** getUserMedia for `entry`, stopped at once if the entry was released meanwhile; null on failure. */
async function open(entry: Held, constraints: MediaStreamConstraints): Promise<MediaStream | null> {
  if (typeof navigator === "undefined" || !navigator.mediaDevices?.getUserMedia) return null;
  try {
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    entry.opened.push(stream);
    if (entry.released) stop(entry); // the ring ended while the device was opening
    return entry.released ? null : stream;
  } catch {
    return null; // no device, busy, or refused: the session tries again (and says why)
  }
}

/**
 * The self-preview for a ringing call: the camera, for a video ring in a visible tab when already
 * allowed; null otherwise. Any earlier ring's devices are stopped first.
 */
export function prepareRingMedia(callId: string, kind: "audio" | "video"): Promise<MediaStream | null> {
  if (held) stop(held);
  const visible = typeof document !== "undefined" && document.visibilityState === "visible";
  if (kind !== "video" || !visible) return Promise.resolve(null);
  const entry = newEntry(callId);
  held = entry;
  entry.camera = allowed("camera").then((ok) => (ok ? open(entry, { video: VIDEO_CAPTURE }) : null));
  return entry.camera;
}

/**
 * The ring ended without this tab answering it: stop its devices, unless Accept handed them over
 * (`evenHandedOver`: the answer failed after all).
 */
export function releaseRingMedia(callId: string, { evenHandedOver = false } = {}): void {
  if (held && held.callId === callId && (evenHandedOver || !held.handedOver)) stop(held);
}

/**
 * Accepted (a click, so the browser may ask for the microphone now): open the microphone while the
 * answer and the connection are on their way, and keep everything for the call session, which takes
 * it (or it stops after a while).
 */
export function handOverRingMedia(callId: string): void {
  let entry = held;
  if (!entry || entry.callId !== callId) {
    if (entry) stop(entry);
    entry = newEntry(callId);
    held = entry;
  }
  const mine = entry;
  mine.handedOver = true;
  mine.microphone = open(mine, { audio: AUDIO_CAPTURE });
  mine.timer = window.setTimeout(() => stop(mine), HAND_OVER_MS);
}

/**
 * The accepted call's camera and microphone for its session to publish (waiting for devices still
 * opening), now owned by the caller; null if there are none.
 */
export async function takeRingMedia(callId: string): Promise<MediaStream | null> {
  const entry = held;
  if (!entry || entry.callId !== callId || !entry.handedOver) return null;
  const [camera, microphone] = await Promise.all([entry.camera, entry.microphone]);
  if (entry.timer !== null) window.clearTimeout(entry.timer);
  if (held === entry) held = null;
  const tracks = [...(camera?.getTracks() ?? []), ...(microphone?.getTracks() ?? [])];
  if (entry.released || tracks.length === 0) return null;
  const live = tracks.filter((t) => t.readyState === "live");
  for (const track of tracks) if (track.readyState !== "live") track.stop();
  return live.length > 0 ? new MediaStream(live) : null;
}
