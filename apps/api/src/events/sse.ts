import type { IncomingMessage, ServerResponse } from "node:http";
import superjson from "superjson";
import { encodeRealtimeEvent, parseRealtimeEvent } from "@ringback/core/events";
import { eventsInput } from "@ringback/core/schemas";
import type { Database } from "@ringback/db/client";
import { latestEventId, listEventsAfter, liveSessionIds, type StoredEvent } from "@ringback/db/queries/events";
import { findLiveSession } from "@ringback/db/queries/sessions";
import type { SessionUser } from "../auth/session";
import type { Logger } from "../logger";
import { SSE_PING_MS } from "../trpc";
import { RESYNC, type BusItem, type EventBus } from "./bus";

/**
 * `events.subscribe` served straight onto the HTTP response, in the exact wire format of tRPC's SSE
 * subscriptions (the tRPC client and plain EventSources read it unchanged): `connected` with the
 * client options, one `data:`/`id:` message per event (superjson, id = the person's event number),
 * `ping` when idle, `return` when the stream ends on purpose.
 *
 * Why not tRPC's own SSE: each of its streams is a fetch Request, three web streams, several async
 * generators and a ping timer racing every step; that was ~75 KB of heap per idle subscriber
 * (1.3 GB at 10k). Here an idle stream is one small object and a closure in the bus. The rules are
 * the same as the tRPC procedure in routers/events.ts (kept for in-process callers).
 */

const FRAME_CONNECTED = `event: connected\ndata: ${JSON.stringify({ reconnectAfterInactivityMs: 3 * SSE_PING_MS })}\n\n\n`;
const FRAME_PING = "event: ping\ndata: \n\n\n";
const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
  Connection: "keep-alive",
};
const PAGE = 500;

type Deps = { db: Database; bus: EventBus };

type Stream = {
  res: ServerResponse;
  lastWrite: number;
  sessionId: string;
  /** visits of the ping wheel since the session was last checked */
  visits: number;
  close: () => void;
};

/** More streams than this for one person on one process: the oldest is closed (a tab has one). */
const MAX_STREAMS_PER_PERSON = 10;
/** Live events waiting for a client that does not read: past this the stream is closed (it resumes by id). */
const MAX_QUEUED = 1000;
/** The session of every open stream is checked again every this many wheel visits (6 × 10 s). */
const SESSION_CHECK_VISITS = 6;
// (arrays, not sets: nearly everyone has one stream, and an array of one is a fraction of a set)
const byPerson = new Map<string, Stream[]>();

/**
 * The keep-alive pings of every open stream of this process, from one timer. Streams are spread over
 * a wheel of slots, one slot per tick, so each tick touches a hundredth of them (at 10k streams, a
 * second's worth of pings all at once held up a ring by ~20 ms). A stream is looked at every
 * SSE_PING_MS and pinged if it sent nothing for half of that, so it is never quiet for more than
 * 1.5 × SSE_PING_MS (15 s; the client gives up after 30 s).
 */
const TICK_MS = 100;
const slots: Array<Set<Stream>> = Array.from({ length: Math.max(1, Math.round(SSE_PING_MS / TICK_MS)) }, () => new Set());
let tick = 0;
let streams = 0;
let pinger: NodeJS.Timeout | null = null;

function track(db: Database, userId: string, stream: Stream): () => void {
  // the slot that comes up last: the stream just sent `connected`
  const slot = slots[(tick + slots.length - 1) % slots.length]!;
  slot.add(stream);
  streams += 1;
  const mine = byPerson.get(userId) ?? [];
  byPerson.set(userId, mine);
  mine.push(stream);
  // one person cannot hold an unbounded number of streams (each costs memory and a query per event)
  if (mine.length > MAX_STREAMS_PER_PERSON) mine[0]?.res.destroy();
  pinger ??= setInterval(() => {
    tick = (tick + 1) % slots.length;
    const quietSince = Date.now() - SSE_PING_MS / 2;
    const due: Stream[] = [];
    for (const s of slots[tick]!) {
      // a stream whose socket is gone but whose close was missed must not linger
      if (s.res.destroyed || s.res.socket === null || s.res.socket.destroyed) {
        s.close();
        continue;
      }
      if (s.lastWrite <= quietSince) {
        s.lastWrite = Date.now();
        s.res.write(FRAME_PING);
      }
      s.visits += 1;
      if (s.visits >= SESSION_CHECK_VISITS) {
        s.visits = 0;
        due.push(s);
      }
    }
    if (due.length > 0) void closeEndedSessions(db, due).catch(() => {});
  }, TICK_MS).unref();
  return () => {
    const at = mine.indexOf(stream);
    if (at >= 0) mine.splice(at, 1);
    if (mine.length === 0 && byPerson.get(userId) === mine) byPerson.delete(userId);
    if (!slot.delete(stream)) return;
    streams -= 1;
    if (streams === 0 && pinger) {
      clearInterval(pinger);
      pinger = null;
    }
  };
}

/**
 * A stream outlives its session only until the wheel checks it (at most a minute), even if no event
 * comes: it is cut, and the client's reconnect gets 401. One query for all the streams of a tick.
 */
async function closeEndedSessions(db: Database, due: Stream[]): Promise<void> {
  const ids = [...new Set(due.map((s) => s.sessionId))];
  const alive = await liveSessionIds(db, ids, new Date());
  for (const s of due) if (!alive.has(s.sessionId)) s.res.destroy();
}

/**
 * Node keeps the response's header block for the response's whole life, as the string it built with
 * `+=`: a rope of ~30 small pieces (~1 KB per open stream, 10 MB at 10k). Reading a character makes
 * V8 flatten it in place into one string and drop the pieces.
 */
function flattenStoredHeader(res: ServerResponse): void {
  const header = (res as unknown as { _header?: unknown })._header;
  // (the comparison only keeps the read from being optimised away)
  if (typeof header === "string" && header.charCodeAt(0) !== 72 /* "H", of "HTTP/1.1" */) return;
}

/** The input as tRPC reads it: superjson in `?input=`, an SSE reconnect's Last-Event-ID on top. */
function readInput(req: IncomingMessage): { ok: true; lastEventId: string | null } | { ok: false; message: string } {
  const url = new URL(req.url ?? "/", "http://localhost");
  let input: unknown;
  try {
    const raw = url.searchParams.get("input");
    input = raw === null ? undefined : superjson.deserialize(JSON.parse(raw) as Parameters<typeof superjson.deserialize>[0]);
  } catch {
    return { ok: false, message: "Malformed input" };
  }
  const header = req.headers["last-event-id"];
  const resumed = (typeof header === "string" ? header : null) ?? url.searchParams.get("lastEventId") ?? url.searchParams.get("Last-Event-Id");
  if (resumed) input = typeof input === "object" && input !== null ? { ...input, lastEventId: resumed } : (input ?? { lastEventId: resumed });
  const parsed = eventsInput.safeParse(input);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Invalid input" };
  return { ok: true, lastEventId: parsed.data.lastEventId ?? null };
}

/**
 * Serves one person's event stream on `res` until the client goes away or their session ends.
 * Same rules as the procedure: listen first, then read (nothing falls through the gap); resume after
 * the asked id when it can be ours; a jump in the numbers or a RESYNC re-reads the table; a live
 * event goes out only while the stream's session is still live.
 */
export function serveEventStream(deps: Deps, user: SessionUser, req: IncomingMessage, res: ServerResponse, logger: Logger | (() => Logger)): void {
  // a function: the request's logger is made on first use (an idle stream rarely logs, and a pino
  // child costs a few KB for as long as the stream is open)
  const log = () => (typeof logger === "function" ? logger() : logger);
  const input = readInput(req);
  if (!input.ok) {
    res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: input.message, code: "BAD_REQUEST" } }));
    return;
  }
  // the client may have left while its session was being looked up: its close has already fired
  if (res.destroyed || res.writableEnded || req.socket.destroyed) return;
  const { db, bus } = deps;
  const userId = user.id;
  const stream: Stream = { res, lastWrite: Date.now(), sessionId: user.sessionId, visits: 0, close: () => finish() };
  let last = 0n;
  let closed = false;
  // what arrived while earlier work was still running, handled in order by one loop at a time
  let queue: BusItem[] | null = [];
  let running = false;

  /** False when the client is not keeping up: wait for drainedOrClosed() before writing more. */
  const write = (frame: string): boolean => {
    stream.lastWrite = Date.now();
    return res.write(frame);
  };
  const drainedOrClosed = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        res.off("drain", done);
        res.off("close", done);
        resolve();
      };
      res.on("drain", done);
      res.on("close", done);
    });
  const send = (e: StoredEvent): boolean => {
    last = BigInt(e.id);
    const parsed = parseRealtimeEvent({ type: e.type, payload: e.payload });
    if (!parsed.success) {
      // a row this code cannot read (newer or older version) is skipped; its id still counts as delivered
      log().warn({ eventId: e.id, type: e.type, issues: parsed.error.issues.length }, "skipping an event that does not match the event union");
      return true;
    }
    const data = JSON.stringify(superjson.serialize({ ...encodeRealtimeEvent(parsed.data), createdAt: e.createdAt }));
    return write(`data: ${data}\nid: ${e.id}\n\n\n`);
  };
  const replay = async () => {
    for (;;) {
      const page = await listEventsAfter(db, userId, last.toString(), PAGE);
      for (const e of page) {
        if (closed) return;
        // a client that does not read holds up the replay, not the API's memory
        if (!send(e)) await drainedOrClosed();
      }
      if (page.length < PAGE) return;
    }
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    queue = null;
    unsubscribe();
    untrack();
  };
  const fail = (err: unknown) => {
    if (closed) return;
    log().error({ err }, "event stream failed; closing it (the client reconnects and resumes)");
    finish();
    res.end();
  };
  const drain = async () => {
    if (running) return;
    running = true;
    try {
      while (!closed && queue && queue.length > 0) {
        if (res.writableNeedDrain) await drainedOrClosed();
        if (closed || !queue) return;
        const item = queue.shift()!;
        // A stream opened before its session ended (signed out, password changed, account deleted)
        // delivers nothing after that; the client's reconnect then gets 401.
        if (!(await findLiveSession(db, user.sessionId, userId, new Date()))) {
          // cut, not ended: EventSource and tRPC's client reconnect, and the reconnect gets 401
          finish();
          res.destroy();
          return;
        }
        if (closed) return;
        // numbers are dense, so a jump means a notification went missing: read the table instead
        if (item === RESYNC || BigInt(item.id) > last + 1n) await replay();
        else if (BigInt(item.id) > last) send(item);
      }
    } finally {
      running = false;
    }
  };

  let starting = true;
  // listen first, then read: nothing published in between can fall through the gap
  const unsubscribe = bus.subscribe(userId, (item) => {
    if (!queue) return;
    if (queue.length >= MAX_QUEUED) {
      // the client stopped reading: it reconnects and resumes after its last id
      res.destroy();
      return;
    }
    queue.push(item);
    if (!starting) void drain().catch(fail);
  });
  const untrack = track(db, userId, stream);
  res.on("close", finish);

  res.writeHead(200, SSE_HEADERS);
  flattenStoredHeader(res);
  write(FRAME_CONNECTED);
  void (async () => {
    const latest = BigInt(await latestEventId(db, userId));
    // An id beyond the newest one cannot be ours (an id from before per-person numbering, or from
    // another database): resuming after it would silently swallow everything up to it.
    const asked = input.lastEventId === null ? null : BigInt(input.lastEventId);
    last = asked !== null && asked <= latest ? asked : latest;
    await replay();
    starting = false;
    await drain();
  })().catch(fail);
}
