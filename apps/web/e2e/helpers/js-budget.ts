import type { APIRequestContext, Browser, BrowserContext, Page, Request } from "@playwright/test";
import { signUpAddress, uniqueUser, type TestUser } from "../helpers";

/*
 * What JavaScript a person downloads from a cold cache on the way into a call: the sign-in page,
 * Calls, then the call screen (starting a call, or answering one). Shared by the budget spec
 * (e2e/js-budget.spec.ts, which fails above the budget) and scripts/bench/js-budget.ts (which prints it).
 *
 * Bytes are what came over the network: the encoded (gzip'd) body plus the response headers, as
 * Chromium reports them for each finished request (Playwright's request.sizes()). Requests the
 * service worker made count (it caches the pages' scripts in the background, and a page's script it
 * serves is fetched by it); a page's request that the worker answered is not counted again.
 */

/** The goal: under 300 KB (300,000 bytes) of JavaScript on the wire before the call screen shows. */
export const JS_BUDGET_BYTES = 300_000;

export type ScriptDownload = { url: string; bytes: number; encoding: string; serviceWorker: boolean; startedAt: number };
export type JsTally = { bytes: number; scripts: ScriptDownload[] };

/**
 * Records in every page of `context` when a call screen first shows (its End call or Cancel call
 * button is in the document), as `window.__callScreenAt` (Date.now()). A MutationObserver sees the
 * button in the same task React puts it in, before any effect of that render can start a download.
 */
export async function watchForCallScreen(context: BrowserContext): Promise<void> {
  await context.addInitScript(`(() => {
    const seen = () => {
      if (window.__callScreenAt) return;
      if (document.querySelector('button[aria-label="End call"], button[aria-label="Cancel call"]')) window.__callScreenAt = Date.now();
    };
    new MutationObserver(seen).observe(document, { subtree: true, childList: true });
  })()`);
}

/**
 * Counts every JavaScript response `context` downloads; `stop(before)` keeps those whose request
 * started before `before` (ms since the epoch, the same clock as Date.now() in the page).
 */
export function tallyScripts(context: BrowserContext): { stop(before?: number): Promise<JsTally> } {
  const pending: Promise<ScriptDownload | null>[] = [];
  const onFinished = (request: Request) => pending.push(scriptDownload(request));
  context.on("requestfinished", onFinished);
  return {
    async stop(before = Infinity) {
      context.off("requestfinished", onFinished);
      const scripts = (await Promise.all(pending))
        .filter((s): s is ScriptDownload => s !== null && s.startedAt < before)
        .sort((a, b) => b.bytes - a.bytes);
      return { bytes: scripts.reduce((sum, s) => sum + s.bytes, 0), scripts };
    },
  };
}

async function scriptDownload(request: Request): Promise<ScriptDownload | null> {
  try {
    const response = await request.response();
    if (!response || response.fromServiceWorker()) return null;
    const type = (await response.headerValue("content-type")) ?? "";
    if (!/javascript/i.test(type)) return null;
    const sizes = await request.sizes();
    return {
      url: request.url(),
      bytes: sizes.responseBodySize + sizes.responseHeadersSize,
      encoding: (await response.headerValue("content-encoding")) ?? "identity",
      serviceWorker: request.serviceWorker() !== null,
      startedAt: request.timing().startTime,
    };
  } catch {
    // the context closed while a late request was still being read
    return null;
  }
}

export function formatKB(bytes: number): string {
  return `${(bytes / 1000).toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 })} KB`;
}

/** The tally as lines for a log: the total, then the largest scripts. */
export function describeTally(label: string, tally: JsTally, top = 8): string[] {
  const path = (url: string) => new URL(url).pathname;
  return [
    `${label}: ${formatKB(tally.bytes)} of JavaScript on the wire in ${tally.scripts.length} responses`,
    ...tally.scripts.slice(0, top).map((s) => `  ${formatKB(s.bytes).padStart(10)}  ${s.encoding.padEnd(8)} ${path(s.url)}${s.serviceWorker ? " (service worker)" : ""}`),
  ];
}

// ---- the two ways into a call ----

type Envelope<T> = { result?: { data?: { json?: T } }; error?: { json?: { message?: string } } };

async function call<T>(api: APIRequestContext, path: string, input: unknown, method: "GET" | "POST" = "POST"): Promise<T> {
  const response =
    method === "POST"
      ? await api.post(`/api/trpc/${path}`, { data: { json: input }, headers: { "content-type": "application/json" } })
      : await api.get(`/api/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`);
  const body = (await response.json()) as Envelope<T>;
  if (!response.ok()) throw new Error(`${path}: ${body.error?.json?.message ?? response.status()}`);
  return body.result?.data?.json as T;
}

/** A person signed up and signed in through the API only (no browser page, nothing downloaded). */
export type ApiPerson = TestUser & { id: string; api: APIRequestContext };

export async function apiPerson(newContext: () => Promise<APIRequestContext>, label: string): Promise<ApiPerson> {
  const api = await newContext();
  const user = uniqueUser(label);
  const signUp = await api.post("/api/trpc/auth.signUp", {
    data: { json: user },
    headers: { "content-type": "application/json", "x-forwarded-for": signUpAddress() },
  });
  if (!signUp.ok()) throw new Error(`sign-up failed: ${signUp.status()} ${await signUp.text()}`);
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const signIn = await api.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: user.email, password: user.password, json: "true" },
    maxRedirects: 0,
  });
  if (signIn.status() >= 400) throw new Error(`sign-in failed: ${signIn.status()}`);
  const me = await call<{ id: string }>(api, "me.get", undefined, "GET");
  return { ...user, id: me.id, api };
}

/** Signs in on the sign-in page of a cold page, then opens Calls from the main navigation. */
async function signInAndOpenCalls(page: Page, person: TestUser): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/contacts$/);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calls" }).locator("visible=true").first().click();
  await page.waitForURL(/\/calls$/);
  await page.getByRole("heading", { level: 1, name: "Calls" }).waitFor();
}

export type Journey = "start a call" | "answer a call";

/**
 * One cold journey in a fresh context of `browser`: sign in, Calls, then into a call, tallying the
 * JavaScript requested before the call screen shows (its End/Cancel button is in the page). `caller` and `callee`
 * already know each other and have one call in their history (see preparePair).
 */
export async function coldJourney(browser: Browser, baseURL: string, journey: Journey, caller: ApiPerson, callee: ApiPerson): Promise<JsTally> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, permissions: ["camera", "microphone"] });
  try {
    await watchForCallScreen(context);
    const page = await context.newPage();
    const tally = tallyScripts(context);
    if (journey === "start a call") {
      await signInAndOpenCalls(page, caller);
      await page.getByRole("button", { name: `Call ${callee.displayName} back with video`, exact: true }).click();
      await page.waitForURL(/\/call\//);
      await page.getByRole("button", { name: "Cancel call" }).waitFor({ timeout: 20_000 });
    } else {
      await signInAndOpenCalls(page, callee);
      await call(caller.api, "calls.start", { calleeIds: [callee.id], kind: "video" });
      const ring = page.getByRole("dialog", { name: caller.displayName, exact: true });
      await ring.getByRole("button", { name: "Accept with video" }).click({ timeout: 20_000 });
      await page.waitForURL(/\/call\//);
      await page.getByRole("button", { name: "End call" }).waitFor({ timeout: 20_000 });
    }
    // a script the call screen itself asked for once it showed (the call code) comes after it
    await page.waitForFunction(() => (window as unknown as { __callScreenAt?: number }).__callScreenAt !== undefined);
    const shownAt = await page.evaluate(() => (window as unknown as { __callScreenAt: number }).__callScreenAt);
    // let downloads that started before the screen showed finish, so they are counted (an open
    // event stream keeps the page from ever being "network idle")
    await page.waitForTimeout(2_000);
    const result = await tally.stop(shownAt);
    // leave nothing ringing or live for the next journey
    const { items } = await call<{ items: { id: string; status: string }[] }>(caller.api, "calls.history", { filter: "all" }, "GET").catch(() => ({ items: [] }));
    for (const c of items.filter((c) => c.status === "ringing" || c.status === "active")) {
      await call(caller.api, c.status === "ringing" ? "calls.cancel" : "calls.leave", { callId: c.id }).catch(() => {});
    }
    return result;
  } finally {
    await context.close();
  }
}

/** Two people who know each other, with one cancelled call from `caller` in both histories. */
export async function preparePair(newContext: () => Promise<APIRequestContext>): Promise<{ caller: ApiPerson; callee: ApiPerson }> {
  const caller = await apiPerson(newContext, "Budget");
  const callee = await apiPerson(newContext, "Budgetee");
  await call(caller.api, "contacts.add", { userId: callee.id });
  await call(callee.api, "contacts.add", { userId: caller.id });
  const first = await call<{ id: string }>(caller.api, "calls.start", { calleeIds: [callee.id], kind: "video" });
  await call(caller.api, "calls.cancel", { callId: first.id });
  return { caller, callee };
}
