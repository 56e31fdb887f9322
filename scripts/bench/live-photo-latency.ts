/**
 * How long a Live Photo takes and what its rolling buffer costs. A video call between two browsers
 * (each its own Chromium, so the taker's processes are its own):
 * - LIVE_PHOTO_PRESSES (default 10) presses of the shutter, each timed from the click to the item
 *   being ready in the taker's Library (polled every 50 ms); the clip runs 1.5 s past the press, so
 *   that much of it is the design, the rest is upload, checks, the cut and storing;
 * - the taker's CPU over LIVE_PHOTO_CPU_SECONDS (default 60) with the shutter enabled (the buffer's
 *   two recorders running) and then with the subject's Live Photos off (the shutter disabled, no
 *   buffer): the taker's renderer and all of its Chromium processes (CDP SystemInfo).
 * It prints numbers; nothing here is asserted. Run against a running stack:
 *
 *   pnpm exec tsx scripts/bench/live-photo-latency.ts                  # http://localhost:3100
 *   LIVE_PHOTO_PRESSES=20 BENCH_URL=http://localhost:3000 pnpm exec tsx scripts/bench/live-photo-latency.ts
 */
import type { CDPSession, Page } from "../../apps/web/node_modules/@playwright/test";
import { BASE, type Person, percentile, personInOwnBrowser, type ProcessInfo, processes, trpc } from "./browser-kit";

const PRESSES = Number(process.env.LIVE_PHOTO_PRESSES ?? 10);
const CPU_SECONDS = Number(process.env.LIVE_PHOTO_CPU_SECONDS ?? 60);

/** CPU of the taker's renderer and of all its processes over `seconds`, as % of one core. */
async function cpuOver(session: CDPSession, page: Page, seconds: number): Promise<{ renderer: number; all: number }> {
  const before = await processes(session);
  const renderer = before.filter((p) => p.type === "renderer").sort((a, b) => b.cpuTime - a.cpuTime)[0];
  if (!renderer) throw new Error("no renderer process found");
  const start = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const after = await processes(session);
  const elapsed = (Date.now() - start) / 1000;
  const cpuOf = (list: ProcessInfo[], id: number) => list.find((p) => p.id === id)?.cpuTime ?? 0;
  const all = after.reduce((sum, p) => sum + p.cpuTime, 0) - before.filter((p) => after.some((q) => q.id === p.id)).reduce((sum, p) => sum + p.cpuTime, 0);
  return { renderer: ((cpuOf(after, renderer.id) - cpuOf(before, renderer.id)) / elapsed) * 100, all: (all / elapsed) * 100 };
}

const shutterDisabled = (page: Page) => page.evaluate(() => document.querySelector('button[aria-label="Take Live Photo"]')?.getAttribute("aria-disabled") === "true");

async function main(): Promise<void> {
  const [taker, subject] = await Promise.all([personInOwnBrowser("bench_lp_a"), personInOwnBrowser("bench_lp_b")]);
  try {
    await trpc(taker.page, "contacts.add", { userId: subject.id });
    await taker.page.goto(`${BASE}/contacts`);
    await taker.page.getByRole("button", { name: `Video call ${subject.user.displayName}`, exact: true }).click();
    await taker.page.waitForURL(/\/call\//);
    await subject.page.getByRole("dialog", { name: taker.user.displayName, exact: true }).getByRole("button", { name: "Accept with video" }).click();
    await taker.page.getByLabel(`Video from ${subject.user.displayName}`, { exact: true }).waitFor({ state: "visible", timeout: 30_000 });
    const shutter = taker.page.getByRole("button", { name: "Take Live Photo" });
    await taker.page.waitForFunction(() => document.querySelector('button[aria-label="Take Live Photo"]')?.getAttribute("aria-disabled") !== "true", undefined, {
      timeout: 30_000,
    });
    // settle: connection ramp-up, first decodes, the buffer's first cycles
    await taker.page.waitForTimeout(8_000);
    console.log(`taker's call page against ${BASE}; ${PRESSES} presses, ${CPU_SECONDS} s per CPU phase`);

    const times: number[] = [];
    for (let i = 0; i < PRESSES; i++) {
      const before = await trpc<{ items: Array<{ id: string }> }>(taker.page, "library.list", { filter: "live-photo" }, "GET");
      const known = new Set(before.items.map((item) => item.id));
      // wait out the previous photo and let the buffer hold more than 1.5 s again
      await taker.page.waitForFunction(() => document.querySelector('button[aria-label="Take Live Photo"]')?.getAttribute("aria-busy") !== "true");
      await taker.page.waitForTimeout(2_000);
      const pressedAt = performance.now();
      await shutter.click();
      let readyAt: number | null = null;
      while (performance.now() - pressedAt < 30_000) {
        const list = await trpc<{ items: Array<{ id: string; status: string }> }>(taker.page, "library.list", { filter: "live-photo" }, "GET");
        const fresh = list.items.find((item) => !known.has(item.id));
        if (fresh?.status === "ready") {
          readyAt = performance.now();
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      if (readyAt === null) {
        console.log(`  press ${i + 1}: not ready within 30 s`);
        continue;
      }
      times.push(readyAt - pressedAt);
      console.log(`  press ${i + 1}: ready after ${((readyAt - pressedAt) / 1000).toFixed(2)} s`);
    }

    const session = await taker.browser.newBrowserCDPSession();
    const buffering = await cpuOver(session, taker.page, CPU_SECONDS);
    // the subject turns Live Photos off: the shutter is disabled and the buffer stops
    await trpc(subject.page, "settings.update", { allowLivePhotos: false });
    const deadline = Date.now() + 30_000;
    while (!(await shutterDisabled(taker.page)) && Date.now() < deadline) await taker.page.waitForTimeout(250);
    await taker.page.waitForTimeout(3_000);
    const idle = await cpuOver(session, taker.page, CPU_SECONDS);

    const sorted = [...times].sort((a, b) => a - b);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`\nLive Photo: press → ready in the Library (${sorted.length} of ${PRESSES} presses)`);
    console.log(`  p50 ${s(percentile(sorted, 50))}, p90 ${s(percentile(sorted, 90))}, min ${s(sorted[0] ?? Number.NaN)}, max ${s(sorted.at(-1) ?? Number.NaN)}`);
    console.log(`  of which 1.50 s is the clip running on after the press; the rest (p50) ${s(percentile(sorted, 50) - 1500)} is upload, checks, the cut and storing`);
    console.log(`\ntaker's CPU (% of one core), ${CPU_SECONDS} s each`);
    console.log(`  shutter enabled, buffer running: renderer ${buffering.renderer.toFixed(1)} %, all Chromium processes ${buffering.all.toFixed(1)} %`);
    console.log(`  shutter disabled, no buffer:     renderer ${idle.renderer.toFixed(1)} %, all Chromium processes ${idle.all.toFixed(1)} %`);
    console.log(`  the buffer costs about ${(buffering.all - idle.all).toFixed(1)} % of a core`);
    await taker.page.getByRole("button", { name: "End call" }).click();
  } finally {
    await taker.browser.close();
    await subject.browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
