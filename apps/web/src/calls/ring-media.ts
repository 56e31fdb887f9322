/*
 * The callee's camera and microphone, opened while a call rings so that Accept has nothing left to
 * wait for but the connection: the incoming-call screen shows the person's own preview (as phones
 * do), and the call session publishes these very tracks once the person has accepted. Nothing is
 * ever published from here: a ring that ends unanswered, is declined or fails to answer stops them.
 *
 * Only when the browser already lets Ringback use them (a permission prompt in the middle of a ring,
 * before anyone chose to answer, would be rude): otherwise the session asks after Accept, as before.
 * No LiveKit here: the ring must not pull the call code into every signed-in page.
 */

/** What the call session captures too (livekit's h360 preset and its audio processing). */
export const VIDEO_CAPTURE: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } };
export const AUDIO_CAPTURE: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/** A session that was handed the tracks takes them at once; if it never does, they stop after this. */
const HAND_OVER_MS = 20_000;

type Held = { callId: string; stream: MediaStream | null; ready: Promise<MediaStream | null>; released: boolean; handedOver: boolean; timer: number | null };
let held: Held | null = null;

function stop(entry: Held): void {
  entry.released = true;
  if (entry.timer !== null) window.clearTimeout(entry.timer);
  for (const track of entry.stream?.getTracks() ?? []) track.stop();
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

/**
 * Opens the microphone (and camera, for a video call) for a ringing call; null when not already
 * allowed or not available. Any earlier ring's media is stopped first.
 */
export function prepareRingMedia(callId: string, kind: "audio" | "video"): Promise<MediaStream | null> {
  if (held) stop(held);
  if (typeof navigator === "undefined" || !navigator.mediaDevices?.getUserMedia) return Promise.resolve(null);
  const entry: Held = { callId, stream: null, ready: Promise.resolve(null), released: false, handedOver: false, timer: null };
  held = entry;
  entry.ready = open(entry, kind);
  return entry.ready;
}

async function open(entry: Held, kind: "audio" | "video"): Promise<MediaStream | null> {
  const video = kind === "video";
  if (!(await allowed("microphone")) || (video && !(await allowed("camera")))) return null;
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: AUDIO_CAPTURE, video: video ? VIDEO_CAPTURE : false });
    entry.stream = stream;
    // the ring ended while the devices were opening
    if (entry.released) stop(entry);
    return entry.released ? null : stream;
  } catch {
    return null; // no devices, or busy: the session tries again after Accept
  }
}

/**
 * The ring ended without this tab answering it: stop its camera and microphone, unless Accept
 * handed them over (`evenHandedOver`: the answer failed after all).
 */
export function releaseRingMedia(callId: string, { evenHandedOver = false } = {}): void {
  if (held && held.callId === callId && (evenHandedOver || !held.handedOver)) stop(held);
}

/** Accepted: keep the tracks for the call session, which takes them (or they stop after a while). */
export function handOverRingMedia(callId: string): void {
  if (!held || held.callId !== callId) return;
  const entry = held;
  entry.handedOver = true;
  entry.timer = window.setTimeout(() => stop(entry), HAND_OVER_MS);
}

/**
 * The accepted call's tracks for its session to publish (waiting for devices still opening), now
 * owned by the caller; null if there are none.
 */
export async function takeRingMedia(callId: string): Promise<MediaStream | null> {
  const entry = held;
  if (!entry || entry.callId !== callId || !entry.handedOver) return null;
  const stream = await entry.ready;
  if (entry.timer !== null) window.clearTimeout(entry.timer);
  if (held === entry) held = null;
  if (!stream || entry.released) return null;
  if (stream.getTracks().some((t) => t.readyState !== "live")) {
    for (const track of stream.getTracks()) track.stop();
    return null;
  }
  return stream;
}
