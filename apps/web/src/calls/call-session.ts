import {
  ConnectionState,
  DisconnectReason,
  LocalAudioTrack,
  LocalVideoTrack,
  RemoteAudioTrack,
  RemoteVideoTrack,
  Room,
  RoomEvent,
  Track,
  VideoPresets,
} from "livekit-client";
import { prepareConnect } from "./livekit-connect";
import { AUDIO_CAPTURE, VIDEO_CAPTURE, takeRingMedia } from "./ring-media";
import { currentSession, replaceSession } from "./session-registry";

/*
 * The LiveKit Room of the call in progress lives here, outside React: one per tab, created and torn
 * down by explicit start/end calls. This module (and livekit-client with it) is loaded only for a
 * call (load-call-session.ts). Components read it through useSyncExternalStore (useCallSession)
 * and through @livekit/components-react hooks with the Room put in RoomContext.
 * Nothing here is exposed on window for tests: the e2e suite reads WebRTC stats through its own
 * init script and the session's phase from what the page shows.
 */

export type SessionPhase = "connecting" | "connected" | "reconnecting" | "disconnected" | "failed";
export type CallMedia = "audio" | "video";

export type SessionSnapshot = {
  phase: SessionPhase;
  /** A sentence for the person when something about media went wrong, else null. */
  error: string | null;
  micEnabled: boolean;
  cameraEnabled: boolean;
  screenSharing: boolean;
};

export type JoinGrant = { token: string; url: string };

/*
 * When the LiveKit node carrying the call dies and comes back (a crash, a restart), livekit-client's
 * own reconnect asks the new process to resume a participant it never knew, which fails, and it keeps
 * retrying for over a minute. A fresh join (a new token from calls.join, the same room) works as soon
 * as the node is back: after REJOIN_AFTER_MS of "Reconnecting…", or when the Room gives up, the
 * session joins again on its own, up to REJOIN_ATTEMPTS times, before saying the call dropped.
 */
const REJOIN_AFTER_MS = 8_000;
const REJOIN_ATTEMPTS = 6;
const REJOIN_PAUSE_MS = 2_000;
/*
 * The person whose signalling goes through the surviving node only learns that the media node died
 * when ICE gives up, 10 s or more later: meanwhile the call would show a frozen picture. Unmuted
 * remote tracks that receive no bytes for STALL_MS count as a lost connection (Reconnecting…, then a
 * fresh join as above).
 */
const STALL_CHECK_MS = 1_000;
const STALL_MS = 3_000;
/** Disconnects that mean the call is over for this person: no rejoining. */
const FINAL_DISCONNECTS = new Set<DisconnectReason | undefined>([
  DisconnectReason.CLIENT_INITIATED,
  DisconnectReason.DUPLICATE_IDENTITY,
  DisconnectReason.PARTICIPANT_REMOVED,
  DisconnectReason.ROOM_DELETED,
]);

export class CallSession {
  readonly room: Room;
  private snapshot: SessionSnapshot;
  private readonly listeners = new Set<() => void>();
  private ended = false;
  private grant: (() => Promise<JoinGrant>) | null = null;
  private rejoining = false;
  private rejoinTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly stallTimer: ReturnType<typeof setInterval>;
  private receivedBytes = -1;
  private receivingSince = 0;

  constructor(
    readonly callId: string,
    readonly media: CallMedia,
    /** Tells the server this person left the call (calls.leave). */
    private readonly leave: () => Promise<unknown>,
  ) {
    this.room = new Room({
      adaptiveStream: true,
      // Two cores run several browsers in tests: no simulcast layers, no dynacast juggling.
      dynacast: false,
      publishDefaults: { simulcast: false, videoCodec: "vp8" },
      videoCaptureDefaults: { resolution: VideoPresets.h360.resolution },
      audioCaptureDefaults: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    this.snapshot = { phase: "connecting", error: null, micEnabled: false, cameraEnabled: false, screenSharing: false };
    this.stallTimer = setInterval(() => void this.checkStall(), STALL_CHECK_MS);
    const refresh = () => this.update({});
    this.room
      .on(RoomEvent.Reconnecting, () => this.reconnecting())
      .on(RoomEvent.SignalReconnecting, () => this.reconnecting())
      .on(RoomEvent.Reconnected, () => {
        this.clearRejoinTimer();
        this.update({ phase: "connected" });
      })
      .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
        // our own disconnect before joining again
        if (this.rejoining) return;
        this.clearRejoinTimer();
        if (this.ended) this.update({ phase: "disconnected", error: null });
        else if (this.grant && !FINAL_DISCONNECTS.has(reason)) void this.rejoin();
        else this.update({ phase: "failed", error: "The call was disconnected." });
      })
      .on(RoomEvent.LocalTrackPublished, refresh)
      .on(RoomEvent.LocalTrackUnpublished, refresh)
      .on(RoomEvent.TrackMuted, refresh)
      .on(RoomEvent.TrackUnmuted, refresh);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SessionSnapshot => this.snapshot;

  /** Connects to the call's room and publishes the microphone (and camera for video). */
  async connect(grant: () => Promise<JoinGrant>): Promise<void> {
    // The devices a ring opened for this call (ring-media.ts), taken while the token is on its way.
    const ringMedia = takeRingMedia(this.callId);
    this.grant = grant;
    try {
      const { token, url } = await grant();
      if (this.ended) {
        stopStream(await ringMedia);
        return;
      }
      // LiveKit's own ICE servers (its TURN) through a public origin; none on a single machine.
      await this.room.connect(url, token, prepareConnect(this.room, url, { autoSubscribe: true }));
      if (this.ended) {
        stopStream(await ringMedia);
        await this.room.disconnect();
        return;
      }
    } catch (error) {
      stopStream(await ringMedia);
      if (this.ended) return;
      this.update({ phase: "failed", error: describe(error, "Couldn’t connect the call.") });
      return;
    }
    const local = this.room.localParticipant;
    const ready = await ringMedia;
    const ringAudio = ready?.getAudioTracks()[0];
    const ringVideo = this.media === "video" ? ready?.getVideoTracks()[0] : undefined;
    // audio only chosen for a video ring: that camera is not needed
    for (const track of ready?.getVideoTracks() ?? []) if (track !== ringVideo) track.stop();
    // Tracks LiveKit treats as its own (userProvidedTrack false): muting the camera turns it off and
    // unmuting opens it again with the same constraints, as with tracks it opened itself.
    const results = await Promise.allSettled([
      ringAudio
        ? local.publishTrack(new LocalAudioTrack(ringAudio, AUDIO_CAPTURE, false), { source: Track.Source.Microphone })
        : local.setMicrophoneEnabled(true),
      this.media !== "video"
        ? Promise.resolve(undefined)
        : ringVideo
          ? local.publishTrack(new LocalVideoTrack(ringVideo, VIDEO_CAPTURE, false), { source: Track.Source.Camera })
          : local.setCameraEnabled(true),
    ]);
    // "connected" only once our media is out, so the controls never flash a muted state.
    const phase = this.room.state === ConnectionState.Reconnecting ? "reconnecting" : "connected";
    const failed = results.find((r) => r.status === "rejected");
    if (failed && failed.status === "rejected") {
      this.update({ phase, error: describe(failed.reason, "Your camera or microphone isn’t available.") });
    } else {
      this.update({ phase });
    }
  }

  async setMicrophone(enabled: boolean): Promise<void> {
    await this.guard(() => this.room.localParticipant.setMicrophoneEnabled(enabled), "Your microphone isn’t available.");
  }

  async setCamera(enabled: boolean): Promise<void> {
    await this.guard(() => this.room.localParticipant.setCameraEnabled(enabled), "Your camera isn’t available.");
  }

  async setScreenShare(enabled: boolean): Promise<void> {
    await this.guard(() => this.room.localParticipant.setScreenShareEnabled(enabled, { audio: false }), "Screen sharing didn’t start.");
  }

  /** Moves to the next camera, like the flip button on a phone. */
  async switchCamera(): Promise<void> {
    const cameras = await Room.getLocalDevices("videoinput");
    if (cameras.length < 2) return;
    const current = this.room.getActiveDevice("videoinput");
    const index = cameras.findIndex((c) => c.deviceId === current);
    const next = cameras[(index + 1) % cameras.length];
    if (next) await this.guard(() => this.room.switchActiveDevice("videoinput", next.deviceId), "Couldn’t switch camera.");
  }

  /** See STALL_MS: bytes received over every unmuted remote track, compared with the last check. */
  private async checkStall(): Promise<void> {
    const now = Date.now();
    if (this.snapshot.phase !== "connected" || this.rejoining || this.ended) {
      this.receivedBytes = -1;
      return;
    }
    let bytes = 0;
    let tracks = 0;
    for (const participant of this.room.remoteParticipants.values()) {
      for (const publication of participant.trackPublications.values()) {
        const track = publication.track;
        if (publication.isMuted || !(track instanceof RemoteAudioTrack || track instanceof RemoteVideoTrack)) continue;
        const stats = await track.getReceiverStats().catch(() => undefined);
        tracks += 1;
        bytes += stats?.bytesReceived ?? 0;
      }
    }
    // nothing received yet is a slow start, not a loss: only media that flowed and stopped counts
    if (tracks === 0 || bytes === 0 || bytes !== this.receivedBytes) {
      this.receivedBytes = tracks === 0 ? -1 : bytes;
      this.receivingSince = now;
      return;
    }
    if (now - this.receivingSince >= STALL_MS) {
      this.receivedBytes = -1;
      this.reconnecting();
    }
  }

  private reconnecting(): void {
    this.update({ phase: "reconnecting" });
    if (this.rejoinTimer === null && !this.rejoining) this.rejoinTimer = setTimeout(() => void this.rejoin(), REJOIN_AFTER_MS);
  }

  private clearRejoinTimer(): void {
    if (this.rejoinTimer !== null) clearTimeout(this.rejoinTimer);
    this.rejoinTimer = null;
  }

  /** Joins the room afresh with the same microphone and camera choices (see REJOIN_AFTER_MS). */
  private async rejoin(): Promise<void> {
    this.clearRejoinTimer();
    if (this.rejoining || this.ended || !this.grant) return;
    this.rejoining = true;
    this.update({ phase: "reconnecting" });
    const local = this.room.localParticipant;
    const mic = this.snapshot.micEnabled;
    const camera = this.media === "video" && this.snapshot.cameraEnabled;
    try {
      await this.room.disconnect();
      for (let attempt = 0; attempt < REJOIN_ATTEMPTS && !this.ended; attempt++) {
        try {
          const { token, url } = await this.grant();
          if (this.ended) return;
          await this.room.connect(url, token, prepareConnect(this.room, url, { autoSubscribe: true }));
          if (this.ended) {
            await this.room.disconnect();
            return;
          }
          await Promise.allSettled([local.setMicrophoneEnabled(mic), camera ? local.setCameraEnabled(true) : Promise.resolve(undefined)]);
          this.rejoining = false;
          this.update({ phase: "connected", error: null });
          return;
        } catch (error) {
          // the call is over or no longer ours (calls.join refuses it): nothing to go back to
          const status = (error as { data?: { httpStatus?: number } }).data?.httpStatus;
          if (status !== undefined && status >= 400 && status < 500) break;
          await new Promise((resolve) => setTimeout(resolve, REJOIN_PAUSE_MS));
        }
      }
    } finally {
      if (this.rejoining) {
        this.rejoining = false;
        if (!this.ended) this.update({ phase: "failed", error: "The call was disconnected." });
      }
    }
  }

  /** Leaves the room for good; safe to call more than once. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.clearRejoinTimer();
    clearInterval(this.stallTimer);
    this.update({ phase: "disconnected" });
    await this.room.disconnect();
  }

  /** Leaves the call on the server as well as the room, for a session another call replaces. */
  async hangUp(): Promise<void> {
    if (this.ended) return;
    // Already over or unreachable: LiveKit's webhook records the departure either way.
    const left = this.leave().catch(() => {});
    await this.end();
    await left;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private async guard(action: () => Promise<unknown>, message: string): Promise<void> {
    try {
      await action();
      this.update({ error: null });
    } catch (error) {
      this.update({ error: describe(error, message) });
    }
  }

  private update(patch: Partial<SessionSnapshot>): void {
    const local = this.room.localParticipant;
    const next: SessionSnapshot = {
      ...this.snapshot,
      ...patch,
      micEnabled: local.isMicrophoneEnabled,
      cameraEnabled: local.isCameraEnabled,
      screenSharing: local.isScreenShareEnabled,
    };
    const same = (Object.keys(next) as Array<keyof SessionSnapshot>).every((k) => next[k] === this.snapshot[k]);
    if (same) return;
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}

function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

function describe(error: unknown, fallback: string): string {
  if (error instanceof DOMException && (error.name === "NotAllowedError" || error.name === "SecurityError")) {
    return "Ringback isn’t allowed to use your camera or microphone. Allow it in your browser’s site settings.";
  }
  if (error instanceof DOMException && error.name === "NotFoundError") return "No camera or microphone was found.";
  return fallback;
}

// ---- the one session of this tab (held in session-registry.ts, which needs no LiveKit) ----

/**
 * The live session for this call, creating (and connecting) it if there is none yet. A live session
 * of another call is hung up, on the server too: its page may already be gone and will not leave it.
 */
export function startSession(callId: string, media: CallMedia, grant: () => Promise<JoinGrant>, leave: () => Promise<unknown>): CallSession {
  const current = currentSession();
  if (current && current.callId === callId && !current.isEnded) return current;
  const session = new CallSession(callId, media, leave);
  replaceSession(session);
  void session.connect(grant);
  return session;
}
