import { env } from "~/env";
import { clientAddressHeaders } from "~/server/client-address";

/*
 * Uploads pass through the web origin to the API as streams. A rewrite (next.config.ts) or
 * src/proxy.ts would do, but both make Next buffer each request body (up to 10 MB, then cut it, and
 * the upload stalls); these handlers pipe the browser's bytes straight on, so a request of any size
 * goes through without sitting in this server's memory. Each route passes on only the paths its
 * pattern allows, so an encoded `..` cannot turn it into a proxy for other API paths.
 */

// hop-by-hop headers, ones fetch sets itself from the body it sends, and the ones only this server may vouch for
const DROP_REQUEST = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length", "expect"]);
const OWN_HEADER = /^x-ringback-/i;
const DROP_RESPONSE = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "content-encoding"]);

/** A route handler that streams requests whose path matches `allowed` to the API, and 404s the rest. */
export function streamToApi(allowed: RegExp): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (!allowed.test(url.pathname)) return Response.json({ error: "Not found" }, { status: 404 });
    const target = new URL(`${url.pathname}${url.search}`, `${env.API_URL}/`);
    const headers = new Headers();
    for (const [name, value] of request.headers) if (!DROP_REQUEST.has(name) && !OWN_HEADER.test(name)) headers.set(name, value);
    // a tus PATCH must say how long it is; fetch would otherwise send a stream chunked
    const length = request.headers.get("content-length");
    for (const [name, value] of Object.entries(clientAddressHeaders(env.AUTH_SECRET ?? "", request.headers.get("x-forwarded-for")))) {
      headers.set(name, value);
    }
    const hasBody = request.body !== null && request.method !== "GET" && request.method !== "HEAD";
    if (hasBody && length !== null) headers.set("content-length", length);
    let upstream: Response;
    try {
      upstream = await fetch(target, {
        method: request.method,
        headers,
        body: hasBody ? request.body : null,
        redirect: "manual",
        signal: request.signal,
        // stream the body instead of reading it first (Node's fetch needs this for a stream body)
        ...(hasBody ? { duplex: "half" } : {}),
      } as RequestInit);
    } catch {
      return Response.json({ error: "Can't reach Ringback right now. Try again." }, { status: 502 });
    }
    const out = new Headers();
    for (const [name, value] of upstream.headers) if (!DROP_RESPONSE.has(name)) out.set(name, value);
    return new Response(request.method === "HEAD" ? null : upstream.body, { status: upstream.status, headers: out });
  };
}
