import { expect, test } from "@playwright/test";
import { openRawEventStream, type RawEvent } from "@ringback/api/testing/raw-event-stream";
import { callFromContacts, incomingFrom, trpcQuery, type Person } from "../e2e/helpers/calls";
import { cookieOf, twoContacts } from "./helpers/people";
import { API_PROCESSES, API_PROXY, kill, note, service, waitForRestart, waitUntil } from "./helpers/stack";

/*
 * Both API processes of the cluster-test stack are killed in turn (SIGKILL, as a crash) while a ring
 * is in progress. Whichever one held the callee's event stream, the stream reconnects through the
 * proxy to the other and catches up on everything published meanwhile (the events are numbered per
 * person, densely: nothing lost shows as no gap, nothing twice as no repeat), the ring still ends
 * missed on time (the surviving process's sweeper), and the supervisor restarts each process.
 */

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

type CallView = { id: string; status: string; myRingDeadline: string | null; endedAt: string | null };

test("an API process killed mid-ring: the ring still ends missed on time and the event stream misses nothing", async ({ browser }) => {
  const [caller, callee] = await twoContacts(browser, "KillCaller", "KillCallee");
  people.push(caller, callee);
  await callee.page.goto("/contacts");
  // a plain SSE client on the proxy, as a browser's EventSource: it reconnects with Last-Event-ID
  const stream = openRawEventStream(API_PROXY, await cookieOf(callee));
  try {
    await stream.opened();
    await callFromContacts(caller, callee, "audio");
    await expect(incomingFrom(callee.page, caller)).toBeVisible({ timeout: 15_000 });
    const callId = /\/call\/([0-9a-f-]{36})/.exec(caller.page.url())?.[1] ?? "";
    const ringing = await trpcQuery<CallView>(callee.page, "calls.get", { callId });
    const deadline = Date.parse(ringing.myRingDeadline ?? "");
    await stream.until((got) => got.some((e) => e.type === "incoming-call"), 10_000);

    for (const name of ["api-1", "api-2"] as const) {
      const before = kill(name);
      // events for the callee while its stream may be down: published by the other process (straight
      // to it: a request the proxy had already sent to the killed one is lost with it, as with any proxy)
      const other = API_PROCESSES[name === "api-1" ? "api-2" : "api-1"];
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${other}/api/trpc/calls.markSeen`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie: await cookieOf(callee) },
          body: JSON.stringify({ json: null }),
        });
        expect(response.status, await response.text()).toBe(200);
      }
      const restartMs = await waitForRestart(name, before);
      const healthyMs = await waitUntil(async () => (await fetch(`${API_PROCESSES[name]}/healthz`)).ok, `${name} should serve again`);
      note(`${name} killed: restarted by the supervisor after ${restartMs} ms, serving ${healthyMs} ms later`);
    }
    // cut by one of the kills and reopened: after the second, the reconnect may still be waiting out
    // its retry delay (3 s) when the process is already back (2.8-2.9 s)
    await expect.poll(() => stream.connections(), { message: "the stream should have been cut and reopened", timeout: 10_000 }).toBeGreaterThan(1);

    // the ring from before the kills ends missed on time, and both the stream and the page hear it
    const isMissed = (e: RawEvent) => e.type === "call-updated" && (e.payload as { call?: { id?: string; status?: string } }).call?.status === "missed";
    await stream.until((got) => got.some(isMissed), Math.max(0, deadline - Date.now()) + 5_000);
    const ended = await trpcQuery<CallView>(callee.page, "calls.get", { callId });
    expect(ended.status).toBe("missed");
    // when the stream heard it (the stored end time is the deadline itself)
    const lateMs = (stream.events.find(isMissed)?.receivedAt ?? Infinity) - deadline;
    note(`the ring's "missed" reached the stream ${lateMs} ms after its deadline; the stream reconnected ${stream.connections() - 1} time(s)`);
    expect(lateMs).toBeLessThan(3_000);
    await expect(incomingFrom(callee.page, caller)).toBeHidden();

    // every event once, in order, without a hole: the stream's ids against the table's
    const ids = stream.events.map((e) => BigInt(e.id));
    const summary = stream.events.map((e) => `${e.id}:${e.type}`).join(", ");
    expect(new Set(ids.map(String)).size, `no event twice: ${summary}`).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i], `no gap or reordering: ${summary}`).toBe((ids[i - 1] ?? 0n) + 1n);
    expect(stream.events.filter((e) => e.type === "missed-seen").length, summary).toBeGreaterThanOrEqual(4);
    expect(service("api-1").restarts).toBeGreaterThanOrEqual(1);
    expect(service("api-2").restarts).toBeGreaterThanOrEqual(1);
  } finally {
    stream.close();
  }
});
