/**
 * Time from the callee clicking "Accept with video" to the first remote video frame painted in the
 * caller's page, over N calls between two fresh users. Run against a running stack:
 *
 *   pnpm exec tsx scripts/bench/accept-to-first-frame.ts            # http://localhost:3100, 20 calls
 *   BENCH_URL=http://localhost:3000 BENCH_CALLS=10 pnpm exec tsx scripts/bench/accept-to-first-frame.ts
 *
 * Both timestamps are Date.now() taken inside the two pages of one browser on one machine, so they
 * share a clock. The caller is already connected to LiveKit while it rings (as in real use), and the
 * callee answers once its ring screen shows its own camera (as a person would, a second or so in),
 * so the number is the callee's answer + join + publish + the caller's subscribe and first decode.
 */
import { chromiumArgs, chromiumPath } from "../../apps/web/e2e/chromium";
import type { Page } from "../../apps/web/node_modules/@playwright/test";
import { loadAverage, runWhenStarted, type BenchRow } from "./bench-row";
import { BASE, chromium, percentile, signUp, trpc } from "./browser-kit";

/** Against BENCH_URL (browser-kit's BASE). */
export type AcceptToFirstFrameOptions = { calls?: number; log?: (line: string) => void };

const GOAL_P50_MS = 400;

async function oneCall(caller: { page: Page }, callee: { page: Page }, calleeName: string, callerName: string): Promise<number> {
  await caller.page.goto(`${BASE}/contacts`);
  await caller.page.getByRole("button", { name: `Video call ${calleeName}`, exact: true }).click();
  await caller.page.waitForURL(/\/call\//);
  const ring = callee.page.getByRole("dialog", { name: callerName, exact: true });
  await ring.waitFor({ state: "visible", timeout: 20_000 });
  // the ring screen's own-camera preview playing (when the browser already allows the camera)
  await callee.page
    .waitForFunction(() => Array.from(document.querySelectorAll("video")).some((v) => v.videoWidth > 0), undefined, { timeout: 5_000 })
    .catch(() => {});
  // Measure from a connected caller, as a person would be after a second or two of ringing. The page
  // enables Mute only once it is connected with its media out (the app has no test hooks to ask).
  await caller.page.waitForSelector('[role="toolbar"][aria-label="Call controls"] button[aria-label="Mute"]:not([disabled])', { timeout: 20_000 });

  // Strings, not closures: tsx's keepNames helpers (__name) do not exist inside the page.
  await caller.page.evaluate(`(() => {
    window.__firstFrameAt = undefined;
    const watch = () => {
      const video = document.querySelector("video[data-remote-video]");
      if (!video) return void requestAnimationFrame(watch);
      video.requestVideoFrameCallback(() => { window.__firstFrameAt ??= Date.now(); });
    };
    watch();
  })()`);
  await callee.page.evaluate(`document.addEventListener("click", () => { window.__acceptAt = Date.now(); }, { capture: true, once: true })`);
  await ring.getByRole("button", { name: "Accept with video" }).click();
  await caller.page.waitForFunction(() => (window as unknown as { __firstFrameAt?: number }).__firstFrameAt !== undefined, undefined, { timeout: 30_000 });
  const acceptAt = await callee.page.evaluate(() => (window as unknown as { __acceptAt?: number }).__acceptAt ?? Number.NaN);
  const firstFrameAt = await caller.page.evaluate(() => (window as unknown as { __firstFrameAt?: number }).__firstFrameAt ?? Number.NaN);

  await caller.page.getByRole("button", { name: "End call" }).click();
  await caller.page.waitForURL(/\/calls$/);
  await callee.page.waitForURL(/\/calls$/, { timeout: 15_000 });
  return firstFrameAt - acceptAt;
}

/** Accept → first remote frame over `calls` calls; rows for p50 and p90 (ms). */
export async function run(opts: AcceptToFirstFrameOptions = {}): Promise<BenchRow[]> {
  const calls = opts.calls ?? Number(process.env.BENCH_CALLS ?? 20);
  const log = opts.log ?? console.log;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const caller = await signUp(browser, "bench_a");
    const callee = await signUp(browser, "bench_b");
    await trpc(caller.page, "contacts.add", { userId: callee.id });
    const samples: number[] = [];
    for (let i = 1; i <= calls; i++) {
      const ms = await oneCall(caller, callee, callee.user.displayName, caller.user.displayName);
      samples.push(ms);
      log(`call ${String(i).padStart(2)}: ${ms.toFixed(0)} ms (load ${loadAverage()})`);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const note = `${samples.length} calls, min ${sorted[0]?.toFixed(0)} max ${sorted.at(-1)?.toFixed(0)} ms; load ${loadAverage()}`;
    log(`accept → first remote frame (caller), ${samples.length} calls against ${BASE}: p50 ${percentile(sorted, 50).toFixed(0)} ms · p90 ${percentile(sorted, 90).toFixed(0)} ms`);
    return [
      { metric: "accept → first remote frame p50", value: Math.round(percentile(sorted, 50)), unit: "ms", goal: { op: "<", value: GOAL_P50_MS }, note },
      { metric: "accept → first remote frame p90", value: Math.round(percentile(sorted, 90)), unit: "ms", note },
    ];
  } finally {
    await browser.close();
  }
}

runWhenStarted(import.meta.url, () => run());
