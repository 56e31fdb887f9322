import { createECDH } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { pushDeviceRefInput, pushSubscribeInput, type PushDeviceView } from "@ringback/core/push";
import { deletePushDevice, deletePushDevicesOfSession, listPushDevices, upsertPushSubscription } from "@ringback/db/queries/push";
import { checkPushEndpoint } from "../push/endpoint-guard";
import { protectedProcedure, router } from "../trpc";

const PUSH_OFF = "Push isn’t set up on this server";

export const pushRouter = router({
  /** The VAPID public key browsers subscribe with; null when this server has push turned off. */
  publicKey: protectedProcedure.query(({ ctx }) => ({ publicKey: ctx.push?.publicKey ?? null })),

  /** Stores this browser's subscription (again), bound to this session: signing out of it removes it. */
  subscribe: protectedProcedure.input(pushSubscribeInput).mutation(async ({ ctx, input }) => {
    if (!ctx.push) throw new TRPCError({ code: "PRECONDITION_FAILED", message: PUSH_OFF });
    if (!isCurvePoint(input.keys.p256dh)) throw new TRPCError({ code: "BAD_REQUEST", message: "keys.p256dh is not a P-256 public key" });
    const check = await checkPushEndpoint(input.endpoint, ctx.push.allowPrivateEndpoints);
    if (!check.ok) throw new TRPCError({ code: "BAD_REQUEST", message: check.reason });
    const { id } = await upsertPushSubscription(ctx.db, {
      userId: ctx.user.id,
      sessionId: ctx.user.sessionId,
      // normalised (pure ASCII): what the guard checked, and what Postgres can store and index
      endpoint: check.url.href,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      label: input.label ?? "Browser",
    });
    return { id };
  }),

  /** My devices that receive pushes, newest first; `current` is the one this request comes from. */
  list: protectedProcedure.query(async ({ ctx }): Promise<PushDeviceView[]> => {
    const rows = await listPushDevices(ctx.db, ctx.user.id);
    return rows.map((r) => ({
      id: r.id,
      label: r.label,
      createdAt: r.createdAt,
      lastUsedAt: r.lastUsedAt,
      current: r.sessionId === ctx.user.sessionId,
    }));
  }),

  /** Stops pushes to one of my devices; someone else's device is "not found", like one that never existed. */
  remove: protectedProcedure.input(pushDeviceRefInput).mutation(async ({ ctx, input }) => {
    if (!(await deletePushDevice(ctx.db, input.id, ctx.user.id))) {
      throw new TRPCError({ code: "NOT_FOUND", message: "That device isn’t in your list" });
    }
    return { removed: true };
  }),

  /** Stops pushes to this browser (its subscription of this session). */
  removeCurrent: protectedProcedure.mutation(async ({ ctx }) => ({ removed: await deletePushDevicesOfSession(ctx.db, ctx.user.id, ctx.user.sessionId) })),
});

/** True when the browser's key is a point on P-256 (anything else could never be encrypted for). */
function isCurvePoint(p256dh: string): boolean {
  try {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    ecdh.computeSecret(Buffer.from(p256dh, "base64url"));
    return true;
  } catch {
    return false;
  }
}
