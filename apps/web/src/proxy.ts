import { NextResponse, type NextRequest } from "next/server";
import { env } from "~/env";

/*
 * next.config.ts rewrites /api/trpc to the API, but Next bakes rewrite destinations into the build
 * (.next/routes-manifest.json), so a build made for one API_URL would keep proxying there. The test
 * profile runs the same build against another API port, so the destination is chosen here, per
 * request, from the environment `next start` was given.
 */
export function proxy(request: NextRequest) {
  const target = new URL(`${request.nextUrl.pathname}${request.nextUrl.search}`, `${env.API_URL}/`);
  return NextResponse.rewrite(target);
}

export const config = {
  matcher: "/api/trpc/:path*",
};
