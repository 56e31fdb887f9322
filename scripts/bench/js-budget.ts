/**
 * JavaScript a person downloads from a cold cache before the call screen shows: sign in, Calls, then
 * start a call (or answer one), in a fresh browser context each time. Run against a running stack:
 *
 *   pnpm exec tsx scripts/bench/js-budget.ts            # http://localhost:3100
 *   BENCH_URL=http://localhost:3000 pnpm exec tsx scripts/bench/js-budget.ts
 *
 * The same journeys are the CI budget check (apps/web/e2e/js-budget.spec.ts, which fails above it).
 * The figure is deterministic for a build (no timing in it), so one run of each journey is enough.
 */
import { createRequire } from "node:module";
import { JS_BUDGET_BYTES, coldJourney, describeTally, preparePair, type Journey } from "../../apps/web/e2e/helpers/js-budget";
import { chromiumArgs, chromiumPath } from "../../apps/web/e2e/chromium";
import { loadAverage, runWhenStarted, type BenchRow } from "./bench-row";
import { BASE, chromium } from "./browser-kit";

// Playwright is CommonJS: its named exports are not visible to an ES import from here (browser-kit
// takes `chromium` the same way).
const { request } = createRequire(new URL("../../apps/web/package.json", import.meta.url))("@playwright/test") as typeof import("../../apps/web/node_modules/@playwright/test");

export type JsBudgetOptions = { baseUrl?: string; log?: (line: string) => void };

export async function run(opts: JsBudgetOptions = {}): Promise<BenchRow[]> {
  const baseURL = opts.baseUrl ?? BASE;
  const log = opts.log ?? console.log;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const contexts: { dispose(): Promise<void> }[] = [];
  try {
    const { caller, callee } = await preparePair(async () => {
      const api = await request.newContext({ baseURL });
      contexts.push(api);
      return api;
    });
    const rows: BenchRow[] = [];
    for (const journey of ["start a call", "answer a call"] as Journey[]) {
      const tally = await coldJourney(browser, baseURL, journey, caller, callee);
      for (const line of describeTally(`cold: sign in → Calls → ${journey}`, tally, 6)) log(line);
      rows.push({
        metric: `JS before the call screen (${journey})`,
        value: Math.round(tally.bytes / 100) / 10,
        unit: "KB",
        goal: { op: "<", value: JS_BUDGET_BYTES / 1000 },
        note: `${tally.scripts.length} scripts, largest ${new URL(tally.scripts[0]?.url ?? BASE).pathname.split("/").pop()}; load ${loadAverage()}`,
      });
    }
    return rows;
  } finally {
    for (const c of contexts) await c.dispose();
    await browser.close();
  }
}

runWhenStarted(import.meta.url, () => run());
