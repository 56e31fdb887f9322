import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { clientAddressOf, INTERNAL_HEADER, isInternalRequest } from "./auth/internal";
import { type SessionUser, userFromCookie } from "./auth/session";
import { serveEventStream } from "./events/sse";
import {
  DATABASE_RETRY_AFTER_SECONDS,
  DATABASE_UNAVAILABLE_MESSAGE,
  genericMessage,
  isDatabaseUnavailable,
  isUnexpected,
  newRequestId,
  referenceFor,
} from "./error-reference";
import type { Logger } from "./logger";
import { createLibraryMediaRoute, LIBRARY_MEDIA_PATH } from "./library/media-route";
import { createLivePhotoUploadHandler, LIBRARY_PHOTOS_PATH } from "./library/photo-upload";
import { createRecordingUploadHandler, LIBRARY_UPLOADS_PATH } from "./library/recording-uploads";
import { createMediaRoute, MEDIA_PATH } from "./media/media-route";
import { createUploadHandler, UPLOADS_PATH } from "./media/uploads";
import { handleTranscriptCallback } from "./messages/transcript-route";
import { appRouter } from "./router";
import type { Services } from "./trpc";

export type ApiDeps = Services & {
  authSecret: string;
  log: Logger;
  onWebhook?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
};

export const TRPC_PATH = "/api/trpc";
export const MAX_TRPC_BODY_BYTES = 256 * 1024;
export const REQUEST_ID_HEADER = "x-request-id";
export const TRANSCRIPTS_PATH = "/internal/transcripts";
/** 200 while this process and its database answer; 503 while Postgres is unreachable. */
export const HEALTH_PATH = "/healthz";
/** 200 while this process answers at all: for a proxy's health checks, which should not drop every process at once when only Postgres is down. */
export const LIVENESS_PATH = "/livez";
const HEALTH_DB_TIMEOUT_MS = 2_000;

/** What the server knows about one request while it runs: its id, its logger, what failed in it. */
type RequestScope = { id: string; log: Logger; errors: string[]; user?: Promise<SessionUser | null> };

/** The API's HTTP server: tRPC (queries, mutations, SSE subscriptions), uploads, media, webhooks and a health check. */
export function createApiServer(deps: ApiDeps): Server {
  const { authSecret, onWebhook, log, ...services } = deps;
  const scopes = new WeakMap<IncomingMessage, RequestScope>();
  const scopeOf = (req: IncomingMessage): RequestScope => {
    let scope = scopes.get(req);
    if (!scope) {
      const id = newRequestId();
      let child: Logger | undefined;
      // made on first use: a pino child costs a few KB, and an open event stream kept its scope's for hours
      scope = {
        id,
        get log() {
          return (child ??= log.child({ reqId: id }));
        },
        errors: [],
      };
      scopes.set(req, scope);
    }
    return scope;
  };
  // One session lookup per request: a subscription's 401 check and its tRPC context share it.
  const userOf = (req: IncomingMessage): Promise<SessionUser | null> => {
    const scope = scopeOf(req);
    scope.user ??= userFromCookie(req.headers.cookie, authSecret, services.db);
    return scope.user;
  };

  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    // no procedure takes more than a few kilobytes; media will have its own upload route
    maxBodySize: MAX_TRPC_BODY_BYTES,
    // a page batches a handful of queries; hundreds in one request is abuse
    maxBatchSize: 20,
    createContext: async ({ req }) => {
      const scope = scopeOf(req);
      return {
        ...services,
        user: await userOf(req),
        internal: isInternalRequest(req.headers[INTERNAL_HEADER], authSecret),
        clientAddress: clientAddressOf(req.headers, req.socket.remoteAddress, authSecret),
        requestId: scope.id,
        log: scope.log,
      };
    },
    // the formatter (trpc.ts) turns an unreachable database into a 503; say when to try again
    responseMeta: ({ errors }) => (errors.some((e) => isDatabaseUnavailable(e)) ? { headers: { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) } } : {}),
    onError({ error, path, type, ctx, req }) {
      const scope = scopeOf(req);
      scope.errors.push(`${path ?? "?"} ${error.code}`);
      if (isDatabaseUnavailable(error)) {
        scope.log.warn({ path, code: codeOf(error) }, "database unavailable");
      } else if (isUnexpected(error)) {
        // the formatter shows the person this same reference (see trpc.ts)
        const reference = referenceFor(error, ctx?.requestId ?? scope.id);
        scope.log.error({ err: error.cause ?? error, path, type, reference }, "unexpected error");
      }
    },
  });

  // resumable uploads of recordings, and the files made from them (both behind the session cookie)
  const uploads = createUploadHandler(services, { userOf, log });
  const media = createMediaRoute(services, { userOf, log });
  // Live Photos (one multipart POST each), call recordings (tus) and the Library's files
  const photoUploads = createLivePhotoUploadHandler(services, { userOf, log });
  const recordingUploads = createRecordingUploadHandler(services, { userOf, log });
  const libraryMedia = createLibraryMediaRoute(services, { userOf, log });
  /** Runs a plain HTTP handler of ours; an unexpected failure is logged and answered with a reference. */
  const run = (req: IncomingMessage, res: ServerResponse, handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>, what: string) => {
    handler(req, res).catch((err: unknown) => failed(req, res, err, what));
  };
  /** The answer for a plain handler's failure: 503 while the database is away, else 500 with a reference. */
  const failed = (req: IncomingMessage, res: ServerResponse, err: unknown, what: string) => {
    const scope = scopeOf(req);
    if (isDatabaseUnavailable(err)) {
      scope.log.warn({ code: codeOf(err) }, `${what}: database unavailable`);
      if (!res.headersSent) sendUnavailable(res);
      else res.destroy();
      return;
    }
    scope.log.error({ err, reference: scope.id }, `${what} failed`);
    if (!res.headersSent) sendJson(res, 500, { error: genericMessage(scope.id) });
    else res.destroy();
  };

  const server = createServer((req, res) => {
    const scope = scopeOf(req);
    const startedAt = performance.now();
    res.setHeader(REQUEST_ID_HEADER, scope.id);
    const url = req.url ?? "/";
    const path = url.split("?", 1)[0] ?? "/";
    res.once("close", () => logRequest(scope, req, res, path, performance.now() - startedAt));

    if (url === LIVENESS_PATH) {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (url === HEALTH_PATH) {
      void databaseAnswers(services.db).then((up) => {
        if (up) res.writeHead(200, { "content-type": "text/plain" }).end("ok");
        else res.writeHead(503, { "content-type": "text/plain", "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) }).end("database unavailable");
      });
      return;
    }
    if (url.startsWith("/livekit/webhook") && onWebhook) {
      // a 503 makes LiveKit send the webhook again later, which is what an outage needs
      onWebhook(req, res).catch((err: unknown) => failed(req, res, err, "webhook"));
      return;
    }
    if (path === UPLOADS_PATH || path.startsWith(`${UPLOADS_PATH}/`)) {
      run(req, res, uploads, "upload");
      return;
    }
    if (path === LIBRARY_UPLOADS_PATH || path.startsWith(`${LIBRARY_UPLOADS_PATH}/`)) {
      run(req, res, recordingUploads, "recording upload");
      return;
    }
    if (path.startsWith(`${LIBRARY_PHOTOS_PATH}/`)) {
      run(req, res, photoUploads, "live photo upload");
      return;
    }
    if (path.startsWith(`${LIBRARY_MEDIA_PATH}/`)) {
      run(req, res, libraryMedia, "library media");
      return;
    }
    if (path.startsWith(MEDIA_PATH)) {
      run(req, res, media, "media");
      return;
    }
    if (path === TRANSCRIPTS_PATH) {
      // the transcriber worker's live voicemail words (its own bearer token, no session)
      run(req, res, (q, s) => handleTranscriptCallback(services, q, s), "transcript callback");
      return;
    }
    if (url.startsWith(`${TRPC_PATH}/`)) {
      if (isSubscriptionRequest(req)) {
        // tRPC answers a subscription with 200 and an event stream before any middleware runs, so a
        // missing session would only show as an error event inside it; plain SSE clients need a 401
        void userOf(req).then(
          (user) => (user ? serveEventStream(services, user, req, res, () => scope.log) : sendUnauthorized(res)),
          (err: unknown) => failed(req, res, err, "session check"),
        );
        return;
      }
      void trpc(req, res);
      return;
    }
    sendJson(res, 404, { error: "Not found" });
  });

  // Requests Node cannot parse (oversized headers or URL, broken framing) never reach the handler;
  // Node's default answer has no body, so say in words what was wrong.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    const message = status === 431 ? "Request headers or URL too large" : status === 408 ? "Request timed out" : "Malformed HTTP request";
    const body = JSON.stringify({ error: message });
    log.info({ status, code: err.code }, "unparseable request");
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  // SSE subscriptions are long-lived; the default request timeout would cut them off.
  server.requestTimeout = 0;
  // The web server's proxy keeps idle connections to us for reuse (Node's agent: 5 s). With our
  // default keep-alive of 5 s too, we could close a socket just as it sends the next request on it,
  // which the browser sees as a failed call ("socket hang up"). Outlasting the proxy avoids that race.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

const SUBSCRIPTION_PATHS = new Set([`${TRPC_PATH}/events.subscribe`]);

function isSubscriptionRequest(req: IncomingMessage): boolean {
  const raw = (req.url ?? "").split("?", 1)[0] ?? "";
  // tRPC decodes the path: `events%2Esubscribe` must not reach its own (heavy, unlimited) SSE either
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {
    // undecodable: tRPC answers it with an error, not a stream
  }
  return req.method === "GET" && SUBSCRIPTION_PATHS.has(path);
}

function sendUnauthorized(res: ServerResponse) {
  // the same message and code a tRPC client gets from protectedProcedure
  sendJson(res, 401, { error: { message: "Please sign in", code: "UNAUTHORIZED" } });
}

/** Whether Postgres answers a trivial query within HEALTH_DB_TIMEOUT_MS. */
async function databaseAnswers(db: ApiDeps["db"]): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), HEALTH_DB_TIMEOUT_MS);
  });
  try {
    return await Promise.race([db.$client`select 1`.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; depth < 6 && typeof e === "object" && e !== null; depth++, e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code !== "INTERNAL_SERVER_ERROR") return code;
  }
  return undefined;
}

/** Postgres is down or restarting: the same words and status a tRPC call gets (trpc.ts). */
function sendUnavailable(res: ServerResponse) {
  res.setHeader("retry-after", String(DATABASE_RETRY_AFTER_SECONDS));
  sendJson(res, 503, { error: DATABASE_UNAVAILABLE_MESSAGE });
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

const MAX_LOGGED_PATH = 200;

/** One line per request, written when it ends (for a subscription, when the stream closes). */
function logRequest(scope: RequestScope, req: IncomingMessage, res: ServerResponse, path: string, ms: number) {
  const procedures = path.startsWith(`${TRPC_PATH}/`) ? path.slice(TRPC_PATH.length + 1).split(",").slice(0, 20).map((p) => p.slice(0, 100)) : undefined;
  const line = {
    method: req.method,
    // never the query string: a query's input can hold an email address or a search
    path: path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path,
    ...(procedures ? { procedures } : {}),
    status: res.statusCode,
    durationMs: Math.round(ms * 10) / 10,
    ...(scope.errors.length > 0 ? { errors: scope.errors } : {}),
    // the client went away before the response ended (normal for a subscription)
    ...(res.writableFinished ? {} : { aborted: true }),
  };
  // health checks come every second or so from a proxy; their 503s say nothing the warnings don't
  if (path === HEALTH_PATH || path === LIVENESS_PATH) scope.log.debug(line, "request");
  else if (res.statusCode >= 500) scope.log.error(line, "request");
  else scope.log.info(line, "request");
}
