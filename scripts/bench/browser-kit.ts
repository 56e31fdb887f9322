// What the browser benchmarks share: Playwright (borrowed from apps/web, where the e2e tests live),
// the stack they run against, fresh signed-up people, tRPC calls with a page's cookies, CDP process
// figures and percentiles. Nothing here asserts; the benchmarks print numbers.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, CDPSession, Page } from "../../apps/web/node_modules/@playwright/test";
import { chromiumArgs, chromiumPath } from "../../apps/web/e2e/chromium";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const requireFromWeb = createRequire(join(repoRoot, "apps", "web", "package.json"));
export const { chromium } = requireFromWeb("@playwright/test") as typeof import("../../apps/web/node_modules/@playwright/test");

/** The running stack under test (BENCH_URL; default the test profile's web app). */
export const BASE = (process.env.BENCH_URL ?? "http://localhost:3100").replace(/\/+$/, "");

export type User = { email: string; password: string; displayName: string; handle: string };
/** A signed-in person in a browser of their own, so their processes can be measured apart. */
export type Person = { page: Page; context: BrowserContext; browser: Browser; id: string; user: User };

export function newUser(label: string): User {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const handle = `${label}_${suffix}`.slice(0, 20);
  return { email: `${handle}@bench.test`, password: "bench-pass-42", displayName: `${label} ${suffix.slice(-4)}`, handle };
}

/** One tRPC call with the page's cookies (a query as GET, a mutation as POST). */
export async function trpc<T>(page: Page, path: string, input: unknown, method: "GET" | "POST" = "POST"): Promise<T> {
  const url = method === "GET" ? `${BASE}/api/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}` : `${BASE}/api/trpc/${path}`;
  const response =
    method === "POST" ? await page.request.post(url, { data: { json: input }, headers: { "content-type": "application/json" } }) : await page.request.get(url);
  if (!response.ok()) throw new Error(`${path} failed: ${response.status()} ${await response.text()}`);
  const body = (await response.json()) as { result: { data: { json: T } } };
  return body.result.data.json;
}

/** A new page in its own context of `browser`, signed up as a fresh person. */
export async function signUp(browser: Browser, label: string): Promise<Omit<Person, "browser">> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ["camera", "microphone"] });
  const page = await context.newPage();
  const user = newUser(label);
  await page.goto(`${BASE}/signup`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Display name").fill(user.displayName);
  await page.getByLabel("Handle").fill(user.handle);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/contacts$/);
  const me = await trpc<{ id: string }>(page, "me.get", undefined, "GET");
  return { page, context, id: me.id, user };
}

/** A fresh person signed up in a Chromium of their own. */
export async function personInOwnBrowser(label: string): Promise<Person> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  return { ...(await signUp(browser, label)), browser };
}

export type ProcessInfo = { type: string; id: number; cpuTime: number };

/** CPU seconds of each of the browser's processes (SystemInfo is a browser-level CDP domain). */
export async function processes(session: CDPSession): Promise<ProcessInfo[]> {
  const info = (await session.send("SystemInfo.getProcessInfo")) as { processInfo: ProcessInfo[] };
  return info.processInfo;
}

/** The nearest-rank percentile of an ascending list (NaN when empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
