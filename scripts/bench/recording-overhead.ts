/**
 * What recording a call costs the recording tab and the API. A video call between two browsers (each
 * its own Chromium, so the recorder's processes are its own), measured for RECORDING_BENCH_SECONDS
 * (default 300) while not recording and then for as long while recording:
 * - the recorder's renderer process: CPU time (CDP SystemInfo.getProcessInfo) and RSS (/proc);
 * - all of the recorder's Chromium processes (browser, renderer, GPU, audio and network services): CPU;
 * - the page's JS heap (CDP Performance.getMetrics);
 * - the API process's RSS (found by its listening port, or API_PID), sampled every 5 s.
 * It prints a table; nothing here is asserted. Run against a running stack:
 *
 *   pnpm exec tsx scripts/bench/recording-overhead.ts                         # http://localhost:3100, API on :3101
 *   RECORDING_BENCH_SECONDS=60 BENCH_URL=http://localhost:3000 BENCH_API_PORT=3001 pnpm exec tsx scripts/bench/recording-overhead.ts
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import type { CDPSession, Page } from "../../apps/web/node_modules/@playwright/test";
import { BASE, type Person, personInOwnBrowser, type ProcessInfo, processes, trpc } from "./browser-kit";

const SECONDS = Number(process.env.RECORDING_BENCH_SECONDS ?? 300);
const API_PORT = Number(process.env.BENCH_API_PORT ?? 3101);
const SAMPLE_MS = 5_000;

function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The pid listening on `port` (the API), or API_PID. */
function apiPid(): number | null {
  if (process.env.API_PID) return Number(process.env.API_PID);
  try {
    const out = execFileSync("ss", ["-ltnpH", `sport = :${API_PORT}`]).toString();
    const match = /pid=(\d+)/.exec(out);
    if (match?.[1]) return Number(match[1]);
  } catch {
    // fall through to /proc
  }
  // without ss: the socket inode of the port, then the process holding it
  const hex = API_PORT.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A" && cols[9]) inodes.add(cols[9]);
    }
  }
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /socket:\[(\d+)\]/.exec(link)?.[1];
        if (inode && inodes.has(inode)) return Number(pid);
      }
    } catch {
      // not ours to read
    }
  }
  return null;
}

type Phase = {
  name: string;
  seconds: number;
  rendererCpu: number;
  allCpu: number;
  heapStart: number;
  heapEnd: number;
  heapMax: number;
  rssStart: number;
  rssEnd: number;
  rssMax: number;
  apiRssStart: number;
  apiRssEnd: number;
  apiRssMax: number;
};

async function measure(name: string, recorder: Person, browserSession: CDPSession, pageSession: CDPSession, api: number | null): Promise<Phase> {
  const heap = async () => {
    const { metrics } = (await pageSession.send("Performance.getMetrics")) as { metrics: Array<{ name: string; value: number }> };
    return metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? Number.NaN;
  };
  const before = await processes(browserSession);
  // the call page's renderer: the busiest renderer of a browser with one page open
  const renderer = before.filter((p) => p.type === "renderer").sort((a, b) => b.cpuTime - a.cpuTime)[0];
  if (!renderer) throw new Error("no renderer process found");
  const start = Date.now();
  const phase: Phase = {
    name,
    seconds: 0,
    rendererCpu: 0,
    allCpu: 0,
    heapStart: await heap(),
    heapEnd: 0,
    heapMax: 0,
    rssStart: rssBytes(renderer.id),
    rssEnd: 0,
    rssMax: 0,
    apiRssStart: api ? rssBytes(api) : Number.NaN,
    apiRssEnd: 0,
    apiRssMax: 0,
  };
  phase.heapMax = phase.heapStart;
  phase.rssMax = phase.rssStart;
  phase.apiRssMax = phase.apiRssStart;
  while (Date.now() - start < SECONDS * 1000) {
    await recorder.page.waitForTimeout(Math.min(SAMPLE_MS, SECONDS * 1000 - (Date.now() - start)));
    const h = await heap();
    const r = rssBytes(renderer.id);
    const a = api ? rssBytes(api) : Number.NaN;
    phase.heapMax = Math.max(phase.heapMax, h);
    phase.rssMax = Math.max(phase.rssMax, r);
    phase.apiRssMax = Math.max(phase.apiRssMax, a);
    phase.heapEnd = h;
    phase.rssEnd = r;
    phase.apiRssEnd = a;
    process.stdout.write(`  ${name} ${Math.round((Date.now() - start) / 1000)} s: heap ${mb(h)}, renderer RSS ${mb(r)}, API RSS ${mb(a)}\n`);
  }
  const after = await processes(browserSession);
  phase.seconds = (Date.now() - start) / 1000;
  const cpuOf = (list: ProcessInfo[], id: number) => list.find((p) => p.id === id)?.cpuTime ?? 0;
  phase.rendererCpu = cpuOf(after, renderer.id) - cpuOf(before, renderer.id);
  phase.allCpu = after.reduce((sum, p) => sum + p.cpuTime, 0) - before.filter((p) => after.some((q) => q.id === p.id)).reduce((sum, p) => sum + p.cpuTime, 0);
  return phase;
}

function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : "n/a";
}

function pct(cpuSeconds: number, seconds: number): string {
  return `${((cpuSeconds / seconds) * 100).toFixed(1)} %`;
}

async function main(): Promise<void> {
  const [alex, bea] = await Promise.all([personInOwnBrowser("bench_rec_a"), personInOwnBrowser("bench_rec_b")]);
  try {
    await trpc(alex.page, "contacts.add", { userId: bea.id });
    await Promise.all([trpc(alex.page, "settings.update", { allowRecording: true }), trpc(bea.page, "settings.update", { allowRecording: true })]);
    await alex.page.goto(`${BASE}/contacts`);
    await alex.page.getByRole("button", { name: `Video call ${bea.user.displayName}`, exact: true }).click();
    await alex.page.waitForURL(/\/call\//);
    await bea.page.getByRole("dialog", { name: alex.user.displayName, exact: true }).getByRole("button", { name: "Accept with video" }).click();
    await alex.page.getByLabel(`Video from ${bea.user.displayName}`, { exact: true }).waitFor({ state: "visible", timeout: 30_000 });
    const record = alex.page.getByRole("button", { name: "Record", exact: true });
    await alex.page.waitForFunction(
      () => document.querySelector('button[aria-label="Record"]')?.getAttribute("aria-disabled") !== "true",
      undefined,
      { timeout: 30_000 },
    );
    // settle: connection ramp-up and first decodes are not the steady state
    await alex.page.waitForTimeout(10_000);

    const browserSession = await alex.browser.newBrowserCDPSession();
    const pageSession = await alex.context.newCDPSession(alex.page);
    await pageSession.send("Performance.enable");
    const api = apiPid();
    console.log(`recorder's call page against ${BASE}; API pid ${api ?? "not found"}; ${SECONDS} s per phase`);

    const idle = await measure("in call, not recording", alex, browserSession, pageSession, api);
    await record.click();
    await alex.page.getByRole("button", { name: "Stop recording" }).waitFor({ timeout: 20_000 });
    const callId = /\/call\/([0-9a-f-]{36})/.exec(alex.page.url())?.[1] ?? "";
    // the REC indicator shows once the API has the recording; only then does recordings.active name it
    await alex.page.getByRole("status").filter({ hasText: "REC" }).first().waitFor({ timeout: 20_000 });
    let active = await trpc<{ recording: { id: string } | null }>(alex.page, "recordings.active", { callId }, "GET");
    for (let i = 0; !active.recording && i < 20; i++) {
      await alex.page.waitForTimeout(500);
      active = await trpc<{ recording: { id: string } | null }>(alex.page, "recordings.active", { callId }, "GET");
    }
    if (!active.recording) console.warn("recordings.active names no recording for this call");
    const recording = await measure("in call, recording", alex, browserSession, pageSession, api);
    await alex.page.getByRole("button", { name: "Stop recording" }).click();
    const stoppedAt = Date.now();

    // the finished recording in the Library: size and how long it took to become ready
    let item: { status: string; sizeBytes: number; durationMs: number | null } | undefined;
    while (Date.now() - stoppedAt < 300_000) {
      const list = await trpc<{ items: Array<{ id: string; status: string; sizeBytes: number; durationMs: number | null }> }>(alex.page, "library.list", { filter: "recording" }, "GET");
      item = list.items.find((i) => i.id === active.recording?.id);
      if (item && (item.status === "ready" || item.status === "failed")) break;
      await alex.page.waitForTimeout(1_000);
    }
    const readyAfter = (Date.now() - stoppedAt) / 1000;

    console.log("\nrecording overhead (recorder's tab), Chromium with fake camera, 960×540 @ 15 fps VP8 + Opus");
    const rows: Array<[string, (p: Phase) => string]> = [
      ["measured for", (p) => `${p.seconds.toFixed(0)} s`],
      ["renderer CPU (of one core)", (p) => pct(p.rendererCpu, p.seconds)],
      ["all recorder's Chromium processes CPU", (p) => pct(p.allCpu, p.seconds)],
      ["JS heap start → end (max)", (p) => `${mb(p.heapStart)} → ${mb(p.heapEnd)} (${mb(p.heapMax)})`],
      ["renderer RSS start → end (max)", (p) => `${mb(p.rssStart)} → ${mb(p.rssEnd)} (${mb(p.rssMax)})`],
      ["API RSS start → end (max)", (p) => `${mb(p.apiRssStart)} → ${mb(p.apiRssEnd)} (${mb(p.apiRssMax)})`],
      ["API RSS growth", (p) => mb(p.apiRssEnd - p.apiRssStart)],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    console.log(`${"".padEnd(width)} | ${idle.name.padEnd(34)} | ${recording.name}`);
    for (const [label, value] of rows) console.log(`${label.padEnd(width)} | ${value(idle).padEnd(34)} | ${value(recording)}`);
    console.log(
      `\nrecording: ${item?.status ?? "not found"}, ${item ? mb(item.sizeBytes) : "?"} for ${item?.durationMs ? (item.durationMs / 1000).toFixed(1) : "?"} s` +
        `${item?.durationMs ? ` (${((item.sizeBytes * 8) / item.durationMs).toFixed(0)} kb/s)` : ""}; ready ${readyAfter.toFixed(1)} s after Stop`,
    );
    await alex.page.getByRole("button", { name: "End call" }).click();
  } finally {
    await alex.browser.close();
    await bea.browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
