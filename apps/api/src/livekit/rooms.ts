import { RoomServiceClient, TwirpError } from "livekit-server-sdk";
import type { LivekitConfig } from "./config";

export type LivekitRoom = {
  name: string;
  sid: string;
  numParticipants: number;
  maxParticipants: number;
  createdAt: Date;
};

export type CreateRoomOptions = {
  /** Seconds the room waits for its first participant before LiveKit closes it. */
  emptyTimeoutSeconds?: number;
  /** Seconds the room stays open after the last participant leaves. */
  departureTimeoutSeconds?: number;
  maxParticipants?: number;
};

const clients = new WeakMap<LivekitConfig, RoomServiceClient>();

function client(cfg: LivekitConfig): RoomServiceClient {
  let found = clients.get(cfg);
  if (!found) {
    found = new RoomServiceClient(cfg.url, cfg.apiKey, cfg.apiSecret);
    clients.set(cfg, found);
  }
  return found;
}

/** Creates the room up front (so its limits apply); creating an existing room returns it. */
export async function createRoom(cfg: LivekitConfig, name: string, opts: CreateRoomOptions = {}): Promise<LivekitRoom> {
  const room = await client(cfg).createRoom({
    name,
    ...(opts.emptyTimeoutSeconds === undefined ? {} : { emptyTimeout: opts.emptyTimeoutSeconds }),
    ...(opts.departureTimeoutSeconds === undefined ? {} : { departureTimeout: opts.departureTimeoutSeconds }),
    ...(opts.maxParticipants === undefined ? {} : { maxParticipants: opts.maxParticipants }),
  });
  return toRoom(room);
}

/** Closes the room and disconnects everyone in it; a room that is already gone is not an error. */
export async function deleteRoom(cfg: LivekitConfig, name: string): Promise<void> {
  try {
    await client(cfg).deleteRoom(name);
  } catch (error) {
    if (error instanceof TwirpError && (error.status === 404 || error.code === "not_found")) return;
    throw error;
  }
}

export async function listRooms(cfg: LivekitConfig, names?: string[]): Promise<LivekitRoom[]> {
  const rooms = await client(cfg).listRooms(names);
  return rooms.map(toRoom);
}

function toRoom(room: { name: string; sid: string; numParticipants: number; maxParticipants: number; creationTime: bigint }): LivekitRoom {
  return {
    name: room.name,
    sid: room.sid,
    numParticipants: room.numParticipants,
    maxParticipants: room.maxParticipants,
    createdAt: new Date(Number(room.creationTime) * 1000),
  };
}

/** The identities connected to a room now (none when the room is gone or was never created). */
export async function connectedIdentities(cfg: LivekitConfig, name: string): Promise<string[]> {
  try {
    const participants = await client(cfg).listParticipants(name);
    return participants.map((p) => p.identity);
  } catch (error) {
    if (error instanceof TwirpError && (error.status === 404 || error.code === "not_found")) return [];
    throw error;
  }
}
