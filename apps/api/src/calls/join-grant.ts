import { TRPCError } from "@trpc/server";
import { getCall } from "@ringback/db/queries/calls";
import { livekitUrlFor } from "../livekit/config";
import { mintJoinToken } from "../livekit/tokens";
import { beforeJoinToken } from "../library/recording-service";
import type { Services } from "../trpc";
import { JOIN_TOKEN_TTL_SECONDS } from "./join-token";
import { toCoreCall } from "./mapping";
import { callRoomReady } from "./rooms";
import { namesFor } from "./service";

export type JoinGrant = { token: string; url: string; roomName: string };

export const CALLS_UNAVAILABLE = "Calls can't connect right now. Try again in a moment.";

/**
 * A LiveKit token for this call only: the caller, or a callee who answered, while the call is live.
 * Shared by calls.join (a first join or a rejoin) and calls.answer asked to join at once.
 */
export async function grantJoin(ctx: Services, callId: string, userId: string): Promise<JoinGrant> {
  const row = await getCall(ctx.db, callId);
  const me = row?.participants.find((p) => p.userId === userId);
  if (!row || !me || (me.ringSilent && me.role === "callee")) throw new TRPCError({ code: "NOT_FOUND", message: "No such call" });
  if (row.status !== "ringing" && row.status !== "active") throw new TRPCError({ code: "CONFLICT", message: "This call has ended" });
  if (me.role === "callee" && me.ringState !== "answered") throw new TRPCError({ code: "FORBIDDEN", message: "Answer the call to join it" });
  // a recording in progress stops before someone who has not allowed recording can be in it
  await beforeJoinToken(ctx, row.id, userId);
  // the room is created just after the ring: a join must not overtake that
  await callRoomReady(ctx.livekit, row.roomName, { createdAt: row.createdAt, people: row.participants.length }).catch(() => {
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: CALLS_UNAVAILABLE });
  });
  const names = await namesFor(ctx.db, toCoreCall(row));
  const token = await mintJoinToken(ctx.livekit, {
    identity: userId,
    name: names.get(userId)?.displayName ?? "Someone",
    roomName: row.roomName,
    ttlSeconds: JOIN_TOKEN_TTL_SECONDS,
  });
  return { token, url: livekitUrlFor(ctx, userId), roomName: row.roomName };
}
