import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { INTERNAL_HEADER, isInternalRequest } from "./auth/internal";
import { userFromCookie } from "./auth/session";
import { appRouter } from "./router";
import type { Services } from "./trpc";

export type ApiDeps = Services & { authSecret: string; onWebhook?: (req: IncomingMessage, res: ServerResponse) => Promise<void> };

export const TRPC_PATH = "/api/trpc";
export const MAX_TRPC_BODY_BYTES = 256 * 1024;

/** The API's HTTP server: tRPC (queries, mutations, SSE subscriptions), webhooks and a health check. */
export function createApiServer(deps: ApiDeps): Server {
  const { authSecret, onWebhook, ...services } = deps;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    // no procedure takes more than a few kilobytes; media will have its own upload route
    maxBodySize: MAX_TRPC_BODY_BYTES,
    // a page batches a handful of queries; hundreds in one request is abuse
    maxBatchSize: 20,
    createContext: async ({ req }) => ({
      ...services,
      user: await userFromCookie(req.headers.cookie, authSecret),
      internal: isInternalRequest(req.headers[INTERNAL_HEADER], authSecret),
    }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[api] ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });

  return createServer((req, res) => {
    const url = req.url ?? "/";
    if (url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (url.startsWith("/livekit/webhook") && onWebhook) {
      onWebhook(req, res).catch((err: unknown) => {
        console.error("[api] webhook failed:", err);
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (url.startsWith(`${TRPC_PATH}/`)) {
      void trpc(req, res);
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Not found" }));
  });
}
