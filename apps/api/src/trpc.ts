import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Database } from "@ringback/db/client";
import type { LivekitConfig } from "./livekit/config";
import type { SessionUser } from "./auth/session";
import type { EventBus } from "./events/bus";

export type Services = {
  db: Database;
  bus: EventBus;
  livekit: LivekitConfig;
  /** the LiveKit address browsers connect to (may differ from the one the API uses) */
  livekitPublicUrl: string;
  publicUrl: string;
};

export type Context = Services & {
  user: SessionUser | null;
  /** true only for requests from our own web server (it proves knowledge of AUTH_SECRET) */
  internal: boolean;
};

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      // a readable first problem instead of a JSON dump of zod issues
      message: zod ? readableZodMessage(zod) : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        fieldErrors: zod ? (z.flattenError(zod).fieldErrors as Record<string, string[]>) : undefined,
      },
    };
  },
});

function readableZodMessage(err: ZodError): string {
  const first = err.issues[0];
  if (!first) return "Invalid input";
  const field = first.path.join(".");
  // zod's built-in type errors name no field; ours already read as sentences
  return first.code === "invalid_type" && field ? `${field}: ${first.message}` : first.message;
}

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;

/** For server-to-server calls from the web app, never reachable from a browser session. */
export const internalProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.internal) throw new TRPCError({ code: "FORBIDDEN", message: "Not allowed" });
  return next();
});

export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});
