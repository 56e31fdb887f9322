import { createRoom } from "../livekit/rooms";
import type { LivekitConfig } from "../livekit/config";

/**
 * A call's LiveKit room is created after its ring went out (the ring does not wait for LiveKit).
 * Until the creation settles, this process remembers it, so a join here waits for it instead of
 * handing out a token for a room that does not exist yet (LiveKit would then create one without
 * our limits). A join on another process, or after a restart, creates the room itself if the call is
 * young: creating an existing room returns it, so doing it twice is harmless.
 */
const rooms = new Map<string, Promise<void>>();
// how long a finished creation stays known: past it a join on a fresh call asks LiveKit again
const REMEMBER_MS = 60_000;
// a call older than this certainly had its room created (or ended) by whoever started it
const YOUNG_CALL_MS = 60_000;

export type CallRoomOptions = { emptyTimeoutSeconds: number; maxParticipants: number };

export const roomOptions = (people: number): CallRoomOptions => ({ emptyTimeoutSeconds: 120, maxParticipants: people });

/** Creates the call's room; the promise rejects when LiveKit refuses or cannot be reached. */
export function createCallRoom(livekit: LivekitConfig, roomName: string, opts: CallRoomOptions): Promise<void> {
  const creating = createRoom(livekit, roomName, opts).then(() => undefined);
  rooms.set(roomName, creating);
  const forget = () => setTimeout(() => rooms.get(roomName) === creating && rooms.delete(roomName), REMEMBER_MS).unref();
  creating.then(forget, () => rooms.get(roomName) === creating && rooms.delete(roomName));
  return creating;
}

/** Resolves once the call's room exists (see above); rejects when it cannot be created. */
export async function callRoomReady(livekit: LivekitConfig, roomName: string, call: { createdAt: Date; people: number }, now = Date.now()): Promise<void> {
  const known = rooms.get(roomName);
  if (known) return known;
  if (now - call.createdAt.getTime() < YOUNG_CALL_MS) await createCallRoom(livekit, roomName, roomOptions(call.people));
}
