import { open } from "node:fs/promises";

/** An HTTP answer as a test looks at it. */
export type RawAnswer = { status: number; headers: Headers; body: string };

/** A tus request as a browser's tus client sends it (cookie included), with nothing hidden. */
export async function tusRequest(
  baseUrl: string,
  cookie: string | null,
  method: "POST" | "HEAD" | "PATCH" | "DELETE" | "GET" | "OPTIONS",
  path: string,
  opts: { headers?: Record<string, string>; body?: Uint8Array } = {},
): Promise<RawAnswer> {
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers: { "tus-resumable": "1.0.0", ...(cookie ? { cookie } : {}), ...opts.headers },
    body: opts.body as BodyInit | undefined,
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** tus `Upload-Metadata`: comma-separated `key base64(value)` pairs. */
export function tusMetadata(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString("base64")}`)
    .join(",");
}

export type UploadOptions = {
  /** bytes per PATCH (default: all in one) */
  chunkSize?: number;
  /** create with Upload-Defer-Length and declare the length with the last PATCH, as a recording browser does */
  deferLength?: boolean;
  /** the declared type (metadata `filetype`) */
  filetype?: string;
  /** send only the first N bytes, then stop (an upload left incomplete) */
  stopAfter?: number;
};

/** Where an upload ended: the last answer, the upload's path (when created) and the bytes the server took. */
export type UploadResult = { status: number; body: string; location: string | null; offset: number };

/** A complete resumable upload over raw HTTP: create, then PATCH chunk by chunk, stopping at the first refusal. */
export async function tusUpload(
  baseUrl: string,
  cookie: string | null,
  messageId: string,
  file: string | Uint8Array,
  opts: UploadOptions = {},
): Promise<UploadResult> {
  const source = typeof file === "string" ? await open(file, "r") : null;
  try {
    const size = source ? (await source.stat()).size : (file as Uint8Array).byteLength;
    const read = async (offset: number, length: number): Promise<Uint8Array> => {
      if (!source) return (file as Uint8Array).subarray(offset, offset + length);
      const buf = Buffer.alloc(length);
      const { bytesRead } = await source.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    };
    const created = await tusRequest(baseUrl, cookie, "POST", "/api/uploads", {
      headers: {
        ...(opts.deferLength ? { "upload-defer-length": "1" } : { "upload-length": String(size) }),
        "upload-metadata": tusMetadata({ messageId, filetype: opts.filetype ?? "video/webm" }),
      },
    });
    const location = created.headers.get("location");
    if (created.status !== 201 || !location) return { status: created.status, body: created.body, location, offset: 0 };
    const end = Math.min(size, opts.stopAfter ?? size);
    const chunk = Math.max(1, opts.chunkSize ?? size);
    let offset = 0;
    let last: RawAnswer = created;
    while (offset < end || (offset === 0 && size === 0)) {
      const length = Math.min(chunk, end - offset);
      const final = offset + length === size;
      last = await tusRequest(baseUrl, cookie, "PATCH", location, {
        headers: {
          "content-type": "application/offset+octet-stream",
          "upload-offset": String(offset),
          ...(opts.deferLength && final ? { "upload-length": String(size) } : {}),
        },
        body: await read(offset, length),
      });
      if (last.status !== 204) return { status: last.status, body: last.body, location, offset };
      offset = Number(last.headers.get("upload-offset"));
      if (size === 0) break;
    }
    return { status: last.status, body: last.body, location, offset };
  } finally {
    await source?.close();
  }
}
