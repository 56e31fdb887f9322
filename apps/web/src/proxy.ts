import { NextResponse, type NextRequest } from "next/server";
import { env } from "~/env";
import { clientAddressHeaders } from "~/server/client-address";

/*
 * next.config.ts rewrites /api/trpc to the API, but Next bakes rewrite destinations into the build
 * (.next/routes-manifest.json), so a build made for one API_URL would keep proxying there. The test
 * profile runs the same build against another API port, so the destination is chosen here, per
 * request, from the environment `next start` was given.
 *
 * The API sees this server as every browser's peer, so the browser's address goes along, signed
 * (see server/client-address.ts): the API limits sign-ups per address by it.
 */
export function proxy(request: NextRequest) {
  const target = new URL(`${request.nextUrl.pathname}${request.nextUrl.search}`, `${env.API_URL}/`);
  const headers = new Headers(request.headers);
  for (const [name, value] of Object.entries(clientAddressHeaders(env.AUTH_SECRET ?? "", request.headers.get("x-forwarded-for")))) {
    headers.set(name, value);
  }
  return NextResponse.rewrite(target, { request: { headers } });
}

export const config = {
  // /api/uploads has a streaming route handler of its own (app/api/uploads): a rewrite buffers bodies
  matcher: ["/api/trpc/:path*", "/api/media/:path*"],
};
