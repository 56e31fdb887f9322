import { expect, request, test } from "@playwright/test";
import { JS_BUDGET_BYTES, coldJourney, describeTally, formatKB, preparePair, type ApiPerson, type Journey } from "./helpers/js-budget";

/*
 * The JavaScript budget: what a person downloads from a cold cache, on the wire, from the sign-in
 * page to the call screen showing (sign in → Calls → start a call, or answer one) stays under
 * 300 KB. The call code itself (livekit-client, the stage) loads once the call screen shows; growing
 * the first pages, or pulling the call code back into them, fails here with the largest scripts named.
 * The figure does not depend on timing, so there are no retries of the measurement itself.
 */

const BASE = process.env.E2E_BASE_URL ?? "http://localhost:3100";

let pair: { caller: ApiPerson; callee: ApiPerson };
const contexts: { dispose(): Promise<void> }[] = [];

test.beforeAll(async () => {
  pair = await preparePair(async () => {
    const api = await request.newContext({ baseURL: BASE });
    contexts.push(api);
    return api;
  });
});

test.afterAll(async () => {
  for (const c of contexts) await c.dispose();
});

for (const journey of ["start a call", "answer a call"] as Journey[]) {
  test(`a cold sign in → Calls → ${journey} downloads under ${JS_BUDGET_BYTES / 1000} KB of JavaScript before the call screen shows`, async ({ browser }) => {
    const tally = await coldJourney(browser, BASE, journey, pair.caller, pair.callee);
    const report = describeTally(`sign in → Calls → ${journey}`, tally, 10).join("\n");
    console.log(report);
    test.info().annotations.push({ type: "JavaScript on the wire", description: `${formatKB(tally.bytes)} (${tally.scripts.length} scripts)` });
    // every script came compressed (next.config compress): an uncompressed one means gzip is off
    expect(tally.scripts.filter((s) => s.encoding === "identity" && s.bytes > 1_000).map((s) => s.url), "uncompressed scripts").toEqual([]);
    expect(tally.bytes, `over the budget:\n${report}`).toBeLessThan(JS_BUDGET_BYTES);
  });
}
