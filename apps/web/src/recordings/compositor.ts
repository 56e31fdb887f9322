import { RemoteVideoTrack, RoomEvent, Track, type Participant, type Room } from "livekit-client";
import { colorFor, initialsFrom } from "@ringback/ui/avatar";
import { FrameCopier } from "./frame-copier";
import { coverRect, recordingLayout, type Rect } from "./layout";

/*
 * The picture and sound of a call recording, made in this tab from what the call already carries:
 * every participant's camera drawn onto one canvas laid out as on screen, and every microphone (yours
 * and everyone else's) mixed with WebAudio. `stream` is what MediaRecorder records.
 *
 * - Each camera plays into its own muted <video> that is never in the page. The canvas draws the
 *   camera's newest frame as converted by a FrameCopier (frame-copier.ts: drawing the <video> itself
 *   makes Chromium keep every frame drawn, hundreds of MB); where that can't work, the <video>.
 *   A camera that is off (or not there yet) is drawn as the person's initials.
 * - Frames are driven by a Worker's timer: a page's own timers and requestAnimationFrame are
 *   throttled or stopped in a background tab, a dedicated worker's are not, so the recording keeps
 *   moving while the person looks at another tab.
 * - LiveKit's adaptive stream pauses a remote camera whose elements are hidden (and every remote
 *   camera in a background tab). The recording registers its element as a picture-in-picture one,
 *   which LiveKit keeps sending, so the other side does not freeze in the recording.
 * - Who is in the call is read again on every room change and once a second (a camera switched or
 *   restarted swaps its MediaStreamTrack without a room event this module could rely on).
 */

export const FRAME_WIDTH = 960;
export const FRAME_HEIGHT = 540;
export const FRAME_RATE = 15;
const FRAME_INTERVAL_MS = Math.round(1000 / FRAME_RATE);

type VideoSource = { trackId: string; element: HTMLVideoElement; copier: FrameCopier | null; release: () => void };
type AudioSource = { trackId: string; node: MediaStreamAudioSourceNode };
type Person = { identity: string; name: string; isLocal: boolean; video: VideoSource | null };

// the avatar palette of @ringback/ui/avatar, as canvas colours
const PALETTE_HEX: Record<string, string> = {
  "bg-rose-700": "#c70036",
  "bg-orange-700": "#ca3500",
  "bg-amber-700": "#bb4d00",
  "bg-lime-700": "#497d00",
  "bg-emerald-700": "#007a55",
  "bg-teal-700": "#00786f",
  "bg-sky-700": "#0069a8",
  "bg-indigo-600": "#4f39f6",
  "bg-violet-600": "#7f22fe",
  "bg-fuchsia-700": "#a800b7",
};

const TICKER_SOURCE = `let timer = null;
onmessage = (e) => {
  if (timer !== null) clearInterval(timer);
  timer = e.data > 0 ? setInterval(() => postMessage(0), e.data) : null;
};`;

export class CallCompositor {
  readonly stream: MediaStream;
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly videoTrack: CanvasCaptureMediaStreamTrack;
  private readonly audio: AudioContext;
  private readonly mix: MediaStreamAudioDestinationNode;
  private readonly people = new Map<string, Person>();
  private readonly sounds = new Map<string, AudioSource>();
  private ticker: Worker | null = null;
  private tickerUrl: string | null = null;
  private fallbackTimer: ReturnType<typeof setInterval> | null = null;
  private lastSync = 0;
  private lastDraw = 0;
  private stopped = false;
  private readonly onRoomChange = () => this.sync();

  constructor(private readonly room: Room) {
    this.canvas = document.createElement("canvas");
    this.canvas.width = FRAME_WIDTH;
    this.canvas.height = FRAME_HEIGHT;
    const context = this.canvas.getContext("2d", { alpha: false });
    if (!context) throw new Error("This browser can't record calls.");
    this.context = context;
    // 0: a frame is captured only when requestFrame() says so (after each draw)
    const captured = this.canvas.captureStream(0);
    const [video] = captured.getVideoTracks();
    if (!video) throw new Error("This browser can't record calls.");
    this.videoTrack = video as CanvasCaptureMediaStreamTrack;
    this.audio = new AudioContext();
    this.mix = this.audio.createMediaStreamDestination();
    const [mixed] = this.mix.stream.getAudioTracks();
    this.stream = new MediaStream(mixed ? [this.videoTrack, mixed] : [this.videoTrack]);
  }

  /** Starts drawing frames and mixing sound. */
  async start(): Promise<void> {
    for (const event of ROOM_EVENTS) this.room.on(event, this.onRoomChange);
    this.sync();
    this.draw();
    // a press of Record is a user gesture, so the context may run; it can still start suspended
    if (this.audio.state === "suspended") await this.audio.resume().catch(() => {});
    try {
      this.tickerUrl = URL.createObjectURL(new Blob([TICKER_SOURCE], { type: "text/javascript" }));
      this.ticker = new Worker(this.tickerUrl);
      this.ticker.onmessage = () => this.tick();
      this.ticker.postMessage(FRAME_INTERVAL_MS);
    } catch {
      // no workers (a strict CSP): page timers still record, just slower in a background tab
      this.fallbackTimer = setInterval(() => this.tick(), FRAME_INTERVAL_MS);
    }
  }

  /** Stops drawing and mixing and lets go of every element, node and track it made. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const event of ROOM_EVENTS) this.room.off(event, this.onRoomChange);
    this.ticker?.terminate();
    this.ticker = null;
    if (this.tickerUrl) URL.revokeObjectURL(this.tickerUrl);
    if (this.fallbackTimer) clearInterval(this.fallbackTimer);
    for (const person of this.people.values()) person.video?.release();
    this.people.clear();
    for (const sound of this.sounds.values()) sound.node.disconnect();
    this.sounds.clear();
    for (const track of this.stream.getTracks()) track.stop();
    void this.audio.close().catch(() => {});
  }

  private tick(): void {
    if (this.stopped) return;
    const now = performance.now();
    // a busy tab delivers the worker's late ticks back to back: draw one frame for them, not a burst
    // the encoder would have to catch up on
    if (now - this.lastDraw < FRAME_INTERVAL_MS / 2) return;
    if (now - this.lastSync > 1000) this.sync();
    this.draw();
  }

  /** Matches the videos and the mix to who is in the call and which cameras and microphones are on. */
  private sync(): void {
    if (this.stopped) return;
    this.lastSync = performance.now();
    const participants: Participant[] = [this.room.localParticipant, ...this.room.remoteParticipants.values()];
    const seen = new Set<string>();
    const heard = new Set<string>();
    for (const participant of participants) {
      seen.add(participant.identity);
      let person = this.people.get(participant.identity);
      if (!person) {
        person = { identity: participant.identity, name: participant.name || "Someone", isLocal: participant.isLocal, video: null };
        this.people.set(participant.identity, person);
      }
      person.name = participant.name || person.name;

      const camera = participant.getTrackPublication(Track.Source.Camera);
      const cameraTrack = camera && !camera.isMuted ? camera.track : undefined;
      const media = cameraTrack?.mediaStreamTrack;
      if (media && media.readyState === "live") {
        if (person.video?.trackId !== media.id) {
          person.video?.release();
          person.video = playVideo(media, cameraTrack instanceof RemoteVideoTrack ? cameraTrack : null);
        }
      } else if (person.video) {
        person.video.release();
        person.video = null;
      }

      const mic = participant.getTrackPublication(Track.Source.Microphone);
      const micTrack = mic?.track?.mediaStreamTrack;
      if (micTrack && micTrack.readyState === "live") {
        const key = `${participant.identity}:${micTrack.id}`;
        heard.add(key);
        if (!this.sounds.has(key)) {
          const node = this.audio.createMediaStreamSource(new MediaStream([micTrack]));
          node.connect(this.mix);
          this.sounds.set(key, { trackId: micTrack.id, node });
        }
      }
    }
    for (const [identity, person] of this.people) {
      if (seen.has(identity)) continue;
      person.video?.release();
      this.people.delete(identity);
    }
    for (const [key, sound] of this.sounds) {
      if (heard.has(key)) continue;
      sound.node.disconnect();
      this.sounds.delete(key);
    }
  }

  private draw(): void {
    this.lastDraw = performance.now();
    const ctx = this.context;
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
    const everyone = [...this.people.values()];
    const local = everyone.find((p) => p.isLocal) ?? null;
    const remote = everyone.filter((p) => !p.isLocal);
    const layout = recordingLayout(remote.length, FRAME_WIDTH, FRAME_HEIGHT);
    remote.forEach((person, i) => {
      const rect = layout.remote[i];
      if (rect) this.drawPerson(person, rect, remote.length > 1 ? 12 : 0);
    });
    if (local) {
      const rect = layout.localFull ?? layout.local;
      if (rect) this.drawPerson(local, rect, layout.local ? 10 : 0, Boolean(layout.local));
    }
    this.videoTrack.requestFrame();
  }

  private drawPerson(person: Person, rect: Rect, radius: number, outlined = false): void {
    const ctx = this.context;
    ctx.save();
    ctx.beginPath();
    if (radius > 0) ctx.roundRect(rect.x, rect.y, rect.width, rect.height, radius);
    else ctx.rect(rect.x, rect.y, rect.width, rect.height);
    ctx.clip();
    const copier = person.video?.copier;
    const element = person.video?.element;
    if (copier?.usable) {
      // converting a frame costs its full size: one drawn at under a quarter of its area (the inset) is
      // refreshed 5 times a second, enough for a small picture
      const small = copier.width > 0 && rect.width * rect.height * 4 < copier.width * copier.height;
      copier.update(small ? 200 : 0);
    }
    if (copier?.usable && copier.width > 0) {
      const { sx, sy, sw, sh } = coverRect(copier.width, copier.height, rect);
      ctx.drawImage(copier.canvas, sx, sy, sw, sh, rect.x, rect.y, rect.width, rect.height);
    } else if (!copier?.usable && element && element.readyState >= 2 && element.videoWidth > 0) {
      const { sx, sy, sw, sh } = coverRect(element.videoWidth, element.videoHeight, rect);
      // not mirrored, unlike the self view: the recording shows you as the others see you
      ctx.drawImage(element, sx, sy, sw, sh, rect.x, rect.y, rect.width, rect.height);
    } else {
      this.drawInitials(person, rect);
    }
    ctx.restore();
    if (!outlined && radius === 0) return;
    ctx.save();
    ctx.beginPath();
    ctx.roundRect(rect.x, rect.y, rect.width, rect.height, radius);
    ctx.strokeStyle = "rgba(255,255,255,0.18)";
    ctx.lineWidth = 2;
    ctx.stroke();
    if (!person.isLocal && radius > 0) {
      // in a grid, each tile carries its name, as on screen
      ctx.font = "600 15px system-ui, sans-serif";
      ctx.fillStyle = "rgba(0,0,0,0.45)";
      const label = person.name;
      const width = ctx.measureText(label).width + 16;
      ctx.beginPath();
      ctx.roundRect(rect.x + 10, rect.y + rect.height - 36, width, 26, 13);
      ctx.fill();
      ctx.fillStyle = "#fff";
      ctx.textBaseline = "middle";
      ctx.fillText(label, rect.x + 18, rect.y + rect.height - 23);
    }
    ctx.restore();
  }

  private drawInitials(person: Person, rect: Rect): void {
    const ctx = this.context;
    ctx.fillStyle = "#262626";
    ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
    const size = Math.min(rect.width, rect.height) * 0.36;
    const cx = rect.x + rect.width / 2;
    const cy = rect.y + rect.height / 2 - (rect.height > 200 ? size * 0.2 : 0);
    ctx.beginPath();
    ctx.arc(cx, cy, size / 2, 0, Math.PI * 2);
    ctx.fillStyle = PALETTE_HEX[colorFor(person.identity)] ?? "#6366f1";
    ctx.fill();
    ctx.fillStyle = "#fff";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.font = `600 ${Math.round(size * 0.4)}px system-ui, sans-serif`;
    ctx.fillText(initialsFrom(person.name), cx, cy);
    if (rect.height > 200) {
      ctx.font = "500 20px system-ui, sans-serif";
      ctx.fillStyle = "rgba(255,255,255,0.85)";
      ctx.fillText(person.name, cx, cy + size / 2 + 28);
    }
  }
}

const ROOM_EVENTS = [
  RoomEvent.ParticipantConnected,
  RoomEvent.ParticipantDisconnected,
  RoomEvent.TrackSubscribed,
  RoomEvent.TrackUnsubscribed,
  RoomEvent.TrackMuted,
  RoomEvent.TrackUnmuted,
  RoomEvent.LocalTrackPublished,
  RoomEvent.LocalTrackUnpublished,
  RoomEvent.ParticipantNameChanged,
] as const;

/**
 * LiveKit's adaptive-stream bookkeeping for one element (RemoteVideoTrack's ElementInfo, an
 * internal-but-exported shape): "visible" and "picture-in-picture" keep the camera coming at the
 * size the recording draws it, also while the tab is in the background.
 */
function recordingElementInfo(element: HTMLVideoElement) {
  return {
    element,
    width: () => FRAME_WIDTH,
    height: () => FRAME_HEIGHT,
    visible: true,
    pictureInPicture: true,
    visibilityChangedAt: undefined,
    observe: () => {},
    stopObserving: () => {},
  };
}

function playVideo(track: MediaStreamTrack, remote: RemoteVideoTrack | null): VideoSource {
  const element = document.createElement("video");
  element.muted = true;
  element.playsInline = true;
  element.autoplay = true;
  element.srcObject = new MediaStream([track]);
  void element.play().catch(() => {});
  let info: ReturnType<typeof recordingElementInfo> | null = null;
  if (remote?.isAdaptiveStream) {
    info = recordingElementInfo(element);
    remote.observeElementInfo(info);
  }
  const copier = FrameCopier.create(track);
  return {
    trackId: track.id,
    element,
    copier,
    release: () => {
      copier?.close();
      if (info && remote) remote.stopObservingElementInfo(info);
      element.pause();
      element.srcObject = null;
    },
  };
}
