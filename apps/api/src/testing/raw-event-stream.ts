import { EventSource } from "eventsource";

// spelled out rather than imported from ../server, so a Playwright spec can use this without loading the API
const SUBSCRIBE_PATH = "/api/trpc/events.subscribe";

/** One event as a plain SSE client sees it: the SSE id and the JSON body, untouched by any tRPC code. */
export type RawEvent = { id: string; type: string; payload: unknown; storedAt: number; receivedAt: number };

/**
 * `events.subscribe` read the way an outside client would: a plain EventSource on the URL with a
 * session cookie, no tRPC client. Counts connections (a reconnect opens another) and keep-alive pings,
 * for tests that check what an outsider can observe and that the stream stays up.
 */
export function openRawEventStream(baseUrl: string, cookie: string, lastEventId: string | null = null) {
  const input = encodeURIComponent(JSON.stringify({ json: { lastEventId } }));
  const events: RawEvent[] = [];
  const waiters = new Set<() => void>();
  let connections = 0;
  let pings = 0;
  let lastError: string | null = null;
  // the longest time nothing at all arrived (events, pings), from the first byte on
  let lastHeard: number | null = null;
  let longestQuiet = 0;
  const heard = () => {
    const now = Date.now();
    if (lastHeard !== null) longestQuiet = Math.max(longestQuiet, now - lastHeard);
    lastHeard = now;
  };
  const source = new EventSource(`${baseUrl}${SUBSCRIBE_PATH}?input=${input}`, {
    fetch: (url, init) => {
      connections += 1;
      return fetch(url, { ...init, headers: { ...init.headers, cookie } });
    },
  });
  const wake = () => {
    for (const w of waiters) w();
  };
  source.addEventListener("message", (m) => {
    // tRPC sends superjson: the JSON form of the value is under `json`
    const body = JSON.parse(m.data) as { json: { type: string; payload: unknown; createdAt: string } };
    const { type, payload, createdAt } = body.json;
    events.push({ id: m.lastEventId, type, payload, storedAt: Date.parse(createdAt), receivedAt: Date.now() });
    heard();
    wake();
  });
  source.addEventListener("ping", () => {
    pings += 1;
    heard();
  });
  source.addEventListener("connected", () => {
    heard();
    wake();
  });
  source.addEventListener("error", (e) => {
    lastError = e.message ?? "error";
    wake();
  });

  /** Resolves once `done()` holds for what has arrived; rejects after `timeoutMs`. */
  async function until(done: (events: RawEvent[]) => boolean, timeoutMs = 5000): Promise<RawEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(events)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${events.map((e) => `${e.id}:${e.type}`).join(", ") || "nothing"} (last error: ${lastError ?? "none"})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      waiters.clear();
    }
    return events;
  }

  return {
    events,
    until,
    /** resolves when the server has sent its `connected` event (the subscription is running) */
    opened: () => until(() => source.readyState === source.OPEN),
    connections: () => connections,
    pings: () => pings,
    /** the longest silence so far (ms), up to now: what a proxy that cuts quiet responses would see */
    longestQuiet: () => Math.max(longestQuiet, lastHeard === null ? 0 : Date.now() - lastHeard),
    close: () => source.close(),
  };
}
