import { AccessToken, TrackSource } from "livekit-server-sdk";
import type { LivekitConfig } from "../livekit/config";
import { createRoom, deleteRoom } from "../livekit/rooms";

/** The LiveKit room of a voicemail being left; a pick-up turns it into the call's room. */
export function voicemailRoomName(messageId: string): string {
  return `vm-${messageId}`;
}

/** The transcriber's identity in a voicemail room (hidden: nobody else sees it). */
export const TRANSCRIBER_IDENTITY = "transcriber";

/**
 * The caller's identity while leaving a voicemail: not their user id, so that the voicemail session
 * is never mistaken for them being in the call it may become. After a pick-up the caller joins the
 * call with a normal token (identity = user id); when this session then goes away, the webhook finds
 * no participant of that name and nothing ends.
 */
export function voicemailCallerIdentity(userId: string): string {
  return `voicemail-${userId}`;
}

const TOKEN_TTL_SECONDS = 300;

/**
 * Creates the voicemail's room: it closes soon when nobody comes or everyone left. Up to four
 * sessions: the caller's voicemail session, the transcriber, and after a pick-up the recipient and
 * the caller's call session, which may briefly overlap the voicemail session it replaces.
 */
export async function createVoicemailRoom(livekit: LivekitConfig, roomName: string): Promise<void> {
  await createRoom(livekit, roomName, { emptyTimeoutSeconds: 60, departureTimeoutSeconds: 20, maxParticipants: 4 });
}

export async function deleteVoicemailRoom(livekit: LivekitConfig, roomName: string): Promise<void> {
  await deleteRoom(livekit, roomName);
}

/** The caller's token: publish their microphone, nothing else (no camera, no data, nothing to hear). */
export async function mintVoicemailCallerToken(livekit: LivekitConfig, input: { userId: string; name: string; roomName: string }): Promise<string> {
  const token = new AccessToken(livekit.apiKey, livekit.apiSecret, {
    identity: voicemailCallerIdentity(input.userId),
    name: input.name,
    ttl: TOKEN_TTL_SECONDS,
  });
  token.addGrant({
    roomJoin: true,
    room: input.roomName,
    canPublish: true,
    canPublishSources: [TrackSource.MICROPHONE],
    canSubscribe: false,
    canPublishData: false,
    canUpdateOwnMetadata: false,
  });
  return token.toJwt();
}

/** The transcriber's token: a hidden listener that publishes nothing. */
export async function mintTranscriberToken(livekit: LivekitConfig, roomName: string): Promise<string> {
  const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity: TRANSCRIBER_IDENTITY, ttl: TOKEN_TTL_SECONDS });
  token.addGrant({
    roomJoin: true,
    room: roomName,
    canPublish: false,
    canSubscribe: true,
    canPublishData: false,
    canUpdateOwnMetadata: false,
    hidden: true,
  });
  return token.toJwt();
}
