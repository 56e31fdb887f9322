/**
 * `pnpm bench`: every benchmark of issue 10, then ONE table (metric, value, goal, met).
 *
 *   pnpm bench                  time to ring (1k, 10k subscribers, API RSS at 10k), list latency (1M, 10M calls),
 *                               and the browser benches if a test stack answers on BENCH_URL (default :3100)
 *   pnpm bench --quick          list latency at 1M only, fewer rings
 *   pnpm bench --with-stack     start `./ringback serve --profile test` for the browser benches (needs a
 *                               web build, e.g. `./ringback test build`), and stop it afterwards
 *   pnpm bench --only ring,lists,frame,js
 *
 * Each bench stays runnable alone (see its file). Figures on a shared machine mean little without the
 * load they were taken under: the load average is printed with each part and under the table.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { loadAverage, printTable, type BenchRow } from "./bench-row";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "with-stack": { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const only = values.only ? new Set(values.only.split(",")) : null;
const wanted = (name: string) => only === null || only.has(name);
const repoRoot = new URL("../../", import.meta.url).pathname;
const BASE = (process.env.BENCH_URL ?? "http://localhost:3100").replace(/\/+$/, "");
const log = (line: string) => console.log(line);

const rows: BenchRow[] = [];
const skipped: string[] = [];

async function part(name: string, fn: () => Promise<BenchRow[]>) {
  log(`\n== ${name} (load average ${loadAverage()})`);
  const started = performance.now();
  try {
    rows.push(...(await fn()));
    log(`== ${name} done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } catch (err) {
    skipped.push(`${name}: failed (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`);
    log(`== ${name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

async function stackUp(): Promise<boolean> {
  try {
    const res = await fetch(`${BASE}/signin`, { signal: AbortSignal.timeout(5000) });
    return res.ok;
  } catch {
    return false;
  }
}

if (wanted("ring")) {
  await part("time to ring", async () => (await import("./time-to-ring")).run({ subscribers: [1000, 10_000], rings: values.quick ? 100 : 200, log }));
}
if (wanted("lists")) {
  await part("history and messages lists", async () =>
    (await import("./list-latency")).run({ rows: values.quick ? [1_000_000] : [1_000_000, 10_000_000], runs: values.quick ? 100 : 200, explain: true, log }),
  );
}

if (wanted("frame") || wanted("js")) {
  let stack: ChildProcess | null = null;
  if (!(await stackUp()) && values["with-stack"]) {
    log(`\n== starting the test stack (./ringback serve --profile test, under the e2e lock)`);
    stack = spawn("flock", ["/tmp/ringback-e2e.lock", "./ringback", "serve", "--profile", "test"], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"], detached: true });
    const deadline = Date.now() + 10 * 60_000;
    while (Date.now() < deadline && !(await stackUp()) && stack.exitCode === null) await new Promise((r) => setTimeout(r, 2000));
  }
  if (await stackUp()) {
    if (wanted("frame")) await part("accept → first frame", async () => (await import("./accept-to-first-frame")).run({ log }));
    if (wanted("js")) await part("JavaScript before the call screen", async () => (await import("./js-budget")).run({ baseUrl: BASE, log }));
  } else {
    skipped.push(
      `accept → first frame and JS budget: no test stack on ${BASE}. Build the web (./ringback test build) and run \`./ringback serve --profile test\` in another terminal, or pass --with-stack`,
    );
  }
  if (stack?.pid) {
    // the stack runs in its own process group: stop all of it
    process.kill(-stack.pid, "SIGTERM");
    await Promise.race([once(stack, "exit"), new Promise((r) => setTimeout(r, 15_000))]);
  }
}

log("");
printTable(rows);
for (const s of skipped) log(`not measured: ${s}`);
process.exit(0);
