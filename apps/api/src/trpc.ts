import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Database } from "@ringback/db/client";
import type { LivekitConfig } from "./livekit/config";
import type { SessionUser } from "./auth/session";
import type { EventBus } from "./events/bus";
import { DATABASE_UNAVAILABLE_MESSAGE, genericMessage, isDatabaseUnavailable, isUnexpected, referenceFor } from "./error-reference";
import type { Logger } from "./logger";
import type { MessageJobs } from "./media/jobs";
import type { MediaStorage } from "./media/storage";
import type { PushConfig } from "./push/config";
import type { Transcriber } from "./transcriber/client";

export type Services = {
  db: Database;
  bus: EventBus;
  livekit: LivekitConfig;
  /** the LiveKit address browsers connect to (may differ from the one the API uses) */
  livekitPublicUrl: string;
  /** several LiveKit nodes of one cluster: browsers are spread over these (see livekitUrlFor) */
  livekitNodeUrls?: readonly string[];
  publicUrl: string;
  /** where this API can be reached by our own workers (the transcriber posts live segments here) */
  apiUrl: string;
  /** AUTH_SECRET: keys derived from it sign what our own workers send back (live transcript callbacks) */
  internalSecret: string;
  media: {
    storage: MediaStorage;
    /** where resumable uploads are written while they arrive (outside `storage`: they are not media yet) */
    uploadDir: string;
    /** the largest message upload accepted, in bytes */
    maxUploadBytes: number;
    /** what one person's Library may hold, in bytes (uploads past it are refused with 413) */
    libraryQuotaBytes: number;
  };
  jobs: MessageJobs;
  transcriber: Transcriber;
  /** Web Push settings; absent or null: push is off (push.publicKey answers null) */
  push?: PushConfig | null;
};

export type Context = Services & {
  user: SessionUser | null;
  /** true only for requests from our own web server (it proves knowledge of AUTH_SECRET) */
  internal: boolean;
  /** who to count per-address limits against: see clientAddressOf in auth/internal.ts */
  clientAddress: string;
  /** this request's id: in every log line about it, in the x-request-id header, in error references */
  requestId: string;
  /** a logger that stamps every line with the request id */
  log: Logger;
};

/** How often an idle event stream sends a keep-alive ping (proxies cut responses quiet for 30 s or more). */
export const SSE_PING_MS = 10_000;

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  sse: {
    ping: { enabled: true, intervalMs: SSE_PING_MS },
    // a stream that stays silent even without pings is dead (a half-open connection): tRPC clients reconnect
    client: { reconnectAfterInactivityMs: 3 * SSE_PING_MS },
  },
  errorFormatter({ shape, error, ctx }) {
    // a stack trace is for the server log, never for the client (tRPC adds one outside production)
    const { stack: _stack, ...data } = shape.data;
    if (error.code === "INTERNAL_SERVER_ERROR" && isDatabaseUnavailable(error)) {
      // Postgres is down or restarting: not a bug to quote a reference for, and it passes; the
      // httpStatus here makes the response a 503 (server.ts adds Retry-After)
      return {
        ...shape,
        message: DATABASE_UNAVAILABLE_MESSAGE,
        data: { ...data, code: "SERVICE_UNAVAILABLE" as const, httpStatus: 503, fieldErrors: undefined, reference: undefined },
      };
    }
    if (isUnexpected(error)) {
      // the message of a failed query carries its SQL and parameters (a password hash, an email):
      // nothing of it leaves the server; the log has it all under the same reference
      const reference = referenceFor(error, ctx?.requestId);
      return {
        ...shape,
        message: genericMessage(reference),
        data: { ...data, fieldErrors: undefined, reference },
      };
    }
    const zod = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      // a readable first problem instead of a JSON dump of zod issues; a body or superjson envelope
      // that cannot be read at all gets one plain sentence, not the parser's words (which quote it)
      message: zod ? readableZodMessage(zod) : unreadableInput(error) ? UNREADABLE_INPUT_MESSAGE : shape.message,
      data: {
        ...data,
        fieldErrors: zod ? (z.flattenError(zod).fieldErrors as Record<string, string[]>) : undefined,
        reference: undefined,
      },
    };
  },
});

export const UNREADABLE_INPUT_MESSAGE = "The request's input could not be read: it is not valid JSON, or not in the form this API takes";

/** tRPC's own refusal of an input it could not even parse (JSON.parse, superjson): its message is the parser's. */
function unreadableInput(error: TRPCError): boolean {
  const cause = error.cause;
  return error.code === "BAD_REQUEST" && cause instanceof Error && !(cause instanceof TRPCError) && !(cause instanceof ZodError) && error.message === cause.message;
}

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
