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

// LiveKit nodes share a room registry in Redis (the cluster profiles). When Redis comes back empty
// after a restart, every node registers itself again within a few seconds; until then LiveKit
// answers "could not find any available nodes". The ring has already gone out: wait for a node
// rather than end the call.
const NO_NODE_WAIT_MS = 10_000;

/** LiveKit's answer while no node is registered (its Redis just came back empty). */
function noNodeYet(error: unknown): boolean {
  return error instanceof Error && /could not find any available nodes/i.test(error.message);
}

async function createRoomWhenANodeIsThere(livekit: LivekitConfig, roomName: string, opts: CallRoomOptions): Promise<void> {
  const deadline = Date.now() + NO_NODE_WAIT_MS;
  for (let wait = 200; ; wait = Math.min(wait * 2, 1_000)) {
    try {
      await createRoom(livekit, roomName, opts);
      return;
    } catch (error) {
      if (!noNodeYet(error) || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Creates the call's room; the promise rejects when LiveKit refuses or cannot be reached. */
export function createCallRoom(livekit: LivekitConfig, roomName: string, opts: CallRoomOptions): Promise<void> {
  const creating = createRoomWhenANodeIsThere(livekit, roomName, opts);
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
