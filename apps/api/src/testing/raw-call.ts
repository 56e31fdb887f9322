import { TRPC_PATH } from "../server";

/**
 * One tRPC call over plain HTTP with a body no typed client would build: a superjson envelope
 * around any value, an envelope with made-up superjson meta, a bare value, or text that is not JSON.
 */
export type Envelope =
  | { kind: "superjson"; input: unknown }
  | { kind: "meta"; input: unknown; meta: unknown }
  | { kind: "bare"; input: unknown }
  | { kind: "text"; text: string };

export type ProcedureType = "query" | "mutation" | "subscription";

export type RawResult = {
  status: number;
  /** the message a client would show, from a JSON error body or a stream's error event */
  message: string | undefined;
  /** for subscriptions answered 200: the HTTP status an error event inside the stream stands for */
  streamErrorStatus?: number;
};

function bodyText(envelope: Envelope): string | undefined {
  switch (envelope.kind) {
    case "superjson":
      return JSON.stringify({ json: envelope.input });
    case "meta":
      return JSON.stringify({ json: envelope.input, meta: envelope.meta });
    case "bare":
      return JSON.stringify(envelope.input);
    case "text":
      return envelope.text;
  }
}

type ErrorBody = { error?: string | { message?: unknown; json?: { message?: unknown; data?: { httpStatus?: unknown } } } };

function messageOf(body: ErrorBody | null): string | undefined {
  const error = body?.error;
  if (typeof error === "string") return error;
  const message = error?.json?.message ?? error?.message;
  return typeof message === "string" ? message : undefined;
}

/** Reads an event stream until its first event that is not the connection notice, then hangs up. */
async function firstStreamEvent(res: Response, controller: AbortController): Promise<{ event: string; data: string } | null> {
  const reader = res.body?.getReader();
  if (!reader) return null;
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return null;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? "message";
        const data = /^data: ?(.*)$/m.exec(block)?.[1] ?? "";
        if (event !== "connected" && event !== "ping" && data !== "") return { event, data };
      }
    }
  } catch {
    return null; // aborted by our timer: the stream was healthy and quiet
  } finally {
    controller.abort();
  }
}

/** Calls `procedure` as the headers say and reports the status and message that came back. */
export async function rawCall(
  baseUrl: string,
  procedure: string,
  type: ProcedureType,
  envelope: Envelope,
  headers: Record<string, string>,
): Promise<RawResult> {
  const text = bodyText(envelope);
  const url = `${baseUrl}${TRPC_PATH}/${procedure}`;
  const controller = new AbortController();
  // a healthy subscription stays open: listen briefly for an error event, then leave
  const timer = setTimeout(() => controller.abort(), type === "subscription" ? Number(process.env.FUZZ_LISTEN_MS ?? 400) : 15_000);
  try {
    const res =
      type === "mutation"
        ? await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: text ?? "", signal: controller.signal })
        : await fetch(text === undefined ? url : `${url}?input=${encodeURIComponent(text)}`, {
            headers: type === "subscription" ? { ...headers, accept: "text/event-stream" } : headers,
            signal: controller.signal,
          });
    if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
      const first = await firstStreamEvent(res, controller);
      if (first?.event !== "serialized-error") return { status: res.status, message: undefined };
      const error = JSON.parse(first.data) as ErrorBody["error"];
      const status = typeof error === "object" ? error.json?.data?.httpStatus : undefined;
      return { status: res.status, message: messageOf({ error }), streamErrorStatus: typeof status === "number" ? status : 500 };
    }
    const raw = await res.text();
    let body: ErrorBody | null = null;
    try {
      body = JSON.parse(raw) as ErrorBody;
    } catch {
      body = null;
    }
    return { status: res.status, message: res.status >= 400 ? messageOf(body) : undefined };
  } finally {
    clearTimeout(timer);
  }
}

/** Why `message` would not help a person (or gives away internals); null when it is fine. */
export function unreadableReason(message: string | undefined): string | null {
  if (!message || !message.trim()) return "no message";
  if (message.length > 300) return "message longer than 300 characters";
  if (/^\s*[[{]/.test(message)) return "message is a JSON dump";
  if (/\n\s+at |\.(?:ts|js|mjs|cjs):\d+/.test(message)) return "message carries a stack trace";
  if (/failed query|insert into|select .+ from|update .+ set|delete from|violates|params:|syntax error at/i.test(message)) return "message carries SQL";
  return null;
}
