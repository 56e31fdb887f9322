import { expect, test } from "@playwright/test";
import { addContacts, callFromContacts, incomingFrom, newPerson, trpcQuery, type Person } from "../e2e/helpers/calls";
import { kill, note, service, waitForRestart, waitUntil } from "./helpers/stack";

/*
 * Postgres dies (SIGKILL of the postmaster) while a ring is in progress. The supervisor starts it
 * again; meanwhile the API answers 503 with a readable message, afterwards it serves again without
 * a restart of its own, and the ring that started before the crash still ends missed on time.
 */

const UNAVAILABLE = "Ringback can't reach its database right now. Try again in a moment.";

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

type CallView = { id: string; status: string; myRing: string | null; myRingDeadline: string | null; endedAt: string | null };

test("Postgres killed mid-ring: 503 meanwhile, the API recovers by itself and the ring still ends missed on time", async ({ browser }) => {
  const caller = await newPerson(browser, "PgCaller");
  const callee = await newPerson(browser, "PgCallee");
  people.push(caller, callee);
  await addContacts(caller, callee);
  await addContacts(callee, caller);
  await callee.page.goto("/calls");

  await callFromContacts(caller, callee, "audio");
  await expect(incomingFrom(callee.page, caller)).toBeVisible({ timeout: 15_000 });
  const callId = /\/call\/([0-9a-f-]{36})/.exec(caller.page.url())?.[1] ?? "";
  const ringing = await trpcQuery<CallView>(callee.page, "calls.get", { callId });
  expect(ringing.myRing).toBe("ringing");
  const deadline = Date.parse(ringing.myRingDeadline ?? "");

  const apiPids = [service("api-1").pid, service("api-2").pid];
  const before = kill("postgres");

  // a tRPC call through the web app (its /api proxy, Caddy, an API process) while Postgres is gone
  const answers: Array<{ status: number; message?: string; retryAfter?: string }> = [];
  const recoveredMs = await waitUntil(async () => {
    const response = await callee.page.request.get("/api/trpc/calls.missedCount");
    const body = (await response.json().catch(() => null)) as { error?: { json?: { message?: string } } } | null;
    answers.push({ status: response.status(), message: body?.error?.json?.message, retryAfter: response.headers()["retry-after"] });
    return answers.some((a) => a.status === 503) && response.ok();
  }, "the API should answer 503 while Postgres is down and 200 once it is back");
  const unavailable = answers.filter((a) => a.status === 503);
  const statuses = answers.map((a) => a.status).join(" ");
  expect(unavailable.length, `answers while Postgres was down: ${statuses}`).toBeGreaterThan(0);
  // never a 500 with a reference, and every 503 says in words what is wrong and when to retry
  expect(answers.filter((a) => a.status !== 503 && a.status !== 200), `answers: ${statuses}`).toEqual([]);
  for (const a of unavailable) {
    expect(a.message).toBe(UNAVAILABLE);
    expect(Number(a.retryAfter)).toBeGreaterThan(0);
  }
  await waitForRestart("postgres", before);
  expect(service("postgres").restarts).toBe(before.restarts + 1);
  note(`postgres killed: 503s (${unavailable.length} polls) until ${recoveredMs} ms after the kill, then 200 with no API restart`);
  expect(service("api-1").pid).toBe(apiPids[0]);
  expect(service("api-2").pid).toBe(apiPids[1]);

  // a page rendered after the restart works, and the ring from before is still ringing there
  await callee.page.goto("/calls");
  await expect(incomingFrom(callee.page, caller)).toBeVisible({ timeout: 10_000 });

  // it ends missed on time (the sweepers of API processes that never restarted), and the callee's page hears it
  await expect
    .poll(async () => (await trpcQuery<CallView>(callee.page, "calls.get", { callId })).status, {
      timeout: Math.max(0, deadline - Date.now()) + 5_000,
      intervals: [200],
      message: "the ring should end missed by its deadline",
    })
    .toBe("missed");
  // when the API first said so (polled every 200 ms; the stored end time is the deadline itself)
  const lateMs = Date.now() - deadline;
  note(`the ring started before the kill was seen missed ${lateMs} ms after its deadline`);
  expect(lateMs).toBeLessThan(3_000);
  await expect(incomingFrom(callee.page, caller)).toBeHidden();
  // and the callee's history shows it
  await callee.page.getByRole("tab", { name: "Missed" }).click();
  await expect(callee.page.getByRole("list", { name: "Call history" }).getByRole("listitem").filter({ hasText: caller.displayName })).toBeVisible();
});
