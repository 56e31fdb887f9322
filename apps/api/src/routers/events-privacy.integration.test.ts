import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRawEventStream, type RawEvent } from "../testing/raw-event-stream";
import { startTestApi, type TestApi, type TestUser } from "../testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

type Setup = (caller: TestUser, callee: TestUser) => Promise<void>;

/**
 * The probe from issue 6, as an outside client runs it: the caller watches their own event stream
 * (plain SSE) while triggering events of their own around calls to the callee, once with a cancel
 * and once with a ring that times out. Returns what the caller can observe: the gaps between the ids
 * they see and every event's type and payload, with what differs between any two runs anyway (call
 * ids, times, names) replaced by placeholders.
 */
async function probe(setup: Setup) {
  const caller = await api.signUp("Prober");
  const callee = await api.signUp("Target");
  await setup(caller, callee);
  // from the very beginning (a new person has no events), so nothing can slip past a late subscribe
  const stream = openRawEventStream(api.baseUrl, caller.cookie, "0");
  const me = api.as(caller);
  try {
    await me.calls.markSeen.mutate();
    const cancelled = await me.calls.start.mutate({ calleeIds: [callee.id], kind: "audio" });
    await me.calls.markSeen.mutate();
    await me.calls.cancel.mutate({ callId: cancelled.id });
    await me.calls.markSeen.mutate();
    const unanswered = await me.calls.start.mutate({ calleeIds: [callee.id], kind: "video" });
    await me.calls.markSeen.mutate();
    // every ring is over by then: 60 s is the longest ring timeout a person can set
    expect(await api.sweepAt(new Date(Date.now() + 61_000))).toBeGreaterThanOrEqual(1);
    await me.calls.markSeen.mutate();
    // a person's events arrive in order, so once the last markSeen is here everything before it is too
    const events = await stream.until((got) => got.filter((e) => e.type === "missed-seen").length === 5);
    return observed(events, { [caller.id]: "<caller>", [callee.id]: "<callee>", [cancelled.id]: "<call 1>", [unanswered.id]: "<call 2>" });
  } finally {
    stream.close();
  }
}

function observed(events: RawEvent[], placeholders: Record<string, string>) {
  const ids = events.map((e) => Number(e.id));
  const first = ids[0] ?? 0;
  return {
    gaps: ids.map((id) => id - first),
    events: events.map((e) => ({ type: e.type, payload: anonymise(e.payload, placeholders) })),
  };
}

/** Replaces ids by their placeholder and every other string (names, handles, times) by its kind. */
function anonymise(value: unknown, placeholders: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => anonymise(v, placeholders));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, anonymise(v, placeholders)]));
  }
  if (typeof value !== "string") return value;
  if (placeholders[value]) return placeholders[value];
  if (/^\d{4}-\d\d-\d\dT/.test(value)) return "<time>";
  return /^(Prober|Target|prober|target)/.test(value) ? "<name>" : value;
}

const unanswered: Setup = async () => {};
const blocked: Setup = async (caller, callee) => {
  await api.as(callee).blocked.add.mutate({ userId: caller.id });
};
const silenced: Setup = async (_caller, callee) => {
  // the caller is not in the callee's contacts, so they count as unknown
  await api.as(callee).settings.update.mutate({ silenceUnknownCallers: true });
};

describe("what a caller can learn from their own event stream", () => {
  it("is identical whether the callee blocked them, did not answer or silences unknown callers (id gaps, event types, payloads)", async () => {
    const plain = await probe(unanswered);
    // the baseline really is a ring that nobody answered, seen from the caller's side
    expect(plain.events.map((e) => e.type)).toEqual([
      "missed-seen",
      "missed-seen",
      "call-updated",
      "missed-seen",
      "missed-seen",
      "call-updated",
      "missed-seen",
    ]);
    expect(plain.events[2]?.payload).toMatchObject({ call: { id: "<call 1>", outcome: "cancelled", participants: [{}, { outcome: "no-answer" }] } });
    expect(plain.events[5]?.payload).toMatchObject({ call: { id: "<call 2>", outcome: "no-answer", participants: [{}, { outcome: "no-answer" }] } });

    expect(await probe(blocked)).toEqual(plain);
    expect(await probe(silenced)).toEqual(plain);
  });
});

/**
 * Rows written to the events table while `during` runs, rolled back or not: Postgres never takes back
 * a sequence value, so this counts the work done for everyone, kept or thrown away.
 */
async function eventRowsWritten(during: () => Promise<unknown>): Promise<number> {
  const read = async () => {
    const [row] = await api.db.$client<Array<{ n: string }>>`select case when is_called then last_value else last_value - 1 end as n from events_id_seq`;
    return Number(row?.n ?? 0);
  };
  const before = await read();
  await during();
  return (await read()) - before;
}

/** The event rows each step of a ring writes, seen from the database. */
async function work(setup: Setup) {
  const caller = await api.signUp("Timer");
  const callee = await api.signUp("Timed");
  await setup(caller, callee);
  const me = api.as(caller);
  let callId = "";
  const started = await eventRowsWritten(async () => (callId = (await me.calls.start.mutate({ calleeIds: [callee.id], kind: "audio" })).id));
  const cancelled = await eventRowsWritten(() => me.calls.cancel.mutate({ callId }));
  await me.calls.start.mutate({ calleeIds: [callee.id], kind: "audio" });
  const timedOut = await eventRowsWritten(() => api.sweepAt(new Date(Date.now() + 61_000)));
  return { steps: { started, cancelled, timedOut }, calleeLatest: await api.db.query.eventCounters.findFirst({ where: (t, { eq }) => eq(t.userId, callee.id) }) };
}

describe("what a caller can learn from how long their requests take", () => {
  it("the database does the same work whether the callee blocked them, did not answer or silences unknown callers, and keeps none of it for a silent ring", async () => {
    const plain = await work(unanswered);
    // a ring writes the callee's incoming-call; the cancel and the timeout one call-updated each for both
    expect(plain.steps).toEqual({ started: 1, cancelled: 2, timedOut: 2 });
    for (const setup of [blocked, silenced]) {
      const silent = await work(setup);
      expect(silent.steps).toEqual(plain.steps);
      // the work done for the callee was thrown away: no event of theirs was ever numbered
      expect(silent.calleeLatest).toBeUndefined();
    }
  });
});
