import type { NextConfig } from "next";
import { env } from "./src/env";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  transpilePackages: ["@ringback/ui", "@ringback/core", "@ringback/api"],
  // gzip for scripts, pages and JSON (Next's `compression` middleware). The tRPC event stream
  // (events.subscribe, proxied below) is not buffered by it: the API answers SSE with
  // `Cache-Control: no-cache, no-transform`, which the proxy passes on and the middleware honours
  // by leaving the response alone (e2e/event-stream.spec.ts checks both through this origin).
  compress: true,
  poweredByHeader: false,
  experimental: {
    // /api/trpc is proxied to the API, and Next cuts a proxied response that is quiet for 30 s by
    // default: events.subscribe would drop every half minute without a call. The API pings every
    // 10 s; this gives an idle stream (or a slow request) two minutes before the proxy gives up on it.
    proxyTimeout: 120_000,
  },
  // Typechecking is its own turbo task (`pnpm typecheck`); doing it again inside `next build` would
  // re-check apps/api through the AppRouter type import and double the build time.
  typescript: { ignoreBuildErrors: true },
  async rewrites() {
    // The browser only ever talks to this origin; these paths are proxied to the API server (and
    // src/proxy.ts does the same per request, for a build started against another API_URL): tRPC
    // and the messages' media (GET/HEAD with Range). Resumable uploads have a streaming route
    // handler instead (src/app/api/uploads): a rewrite makes Next buffer each request body.
    return [
      { source: "/api/trpc/:path*", destination: `${env.API_URL}/api/trpc/:path*` },
      { source: "/api/media/:path*", destination: `${env.API_URL}/api/media/:path*` },
    ];
  },
};

export default nextConfig;
