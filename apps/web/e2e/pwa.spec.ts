import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signUpViaApi, snap, uniqueUser } from "./helpers";
import { newPerson, trpcMutation, trpcQuery, type Person } from "./helpers/calls";

/*
 * The installable app: manifest and icons, the service worker (public/sw.js), and what a person sees
 * with no connection: Calls, Contacts and a person's call history still open, say "You're offline",
 * and fill in by themselves when the connection returns.
 */

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

/** Width and height of a PNG, read from its IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString("latin1"), "a PNG file").toBe("PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test("the manifest is linked and valid, and its icons load at their stated sizes", async ({ page, request }) => {
  await page.goto("/signin");
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(manifestHref).toBeTruthy();
  const appleIcon = await page.locator('link[rel="apple-touch-icon"]').getAttribute("href");
  expect(appleIcon).toBeTruthy();

  const response = await request.get(manifestHref ?? "");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("manifest+json");
  const manifest = (await response.json()) as {
    name: string;
    short_name: string;
    start_url: string;
    display: string;
    scope: string;
    theme_color: string;
    background_color: string;
    icons: Array<{ src: string; sizes: string; type: string; purpose?: string }>;
  };
  expect(manifest).toMatchObject({ name: "Ringback", short_name: "Ringback", start_url: "/calls", display: "standalone", scope: "/" });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

  // installability needs a 192 and a 512 "any" icon; Android's adaptive icons want a maskable one
  const purposes = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose ?? "any"}`);
  expect(purposes).toEqual(expect.arrayContaining(["192x192 any", "512x512 any", "512x512 maskable"]));
  for (const icon of [...manifest.icons, { src: appleIcon ?? "", sizes: "180x180", type: "image/png" }]) {
    const file = await request.get(icon.src);
    expect(file.status(), icon.src).toBe(200);
    expect(file.headers()["content-type"]).toBe(icon.type);
    const { width, height } = pngSize(await file.body());
    expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
  }
});

/** The service worker is active and controls the page (clients.claim on activation). */
async function expectControlled(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration("/"))?.active?.scriptURL ?? null), {
      message: "service worker registered and active",
      timeout: 15_000,
    })
    .toMatch(/\/sw\.js$/);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null), { message: "page controlled" }).toMatch(/\/sw\.js$/);
}

/** Paths of what the worker keeps in its page cache. */
function cachedPages(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const cache = await caches.open("ringback-pages-v1");
    return (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
  });
}

test("Calls, Contacts and a person's history open offline, say so, and recover without a reload", async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const ana = await newPerson(browser, "Ana");
  people.push(ana);
  const ben = uniqueUser("Ben");
  await signUpViaApi(ana.page.request, ben);
  const [found] = await trpcQuery<Array<{ id: string }>>(ana.page, "users.search", { query: ben.handle });
  const benId = found?.id ?? "";
  expect(benId).not.toBe("");
  await trpcMutation(ana.page, "contacts.add", { userId: benId });
  // one call in the history (rung and called off), so there is something to come back to
  const call = await trpcMutation<{ id: string }>(ana.page, "calls.start", { calleeIds: [benId], kind: "audio" });
  await trpcMutation(ana.page, "calls.cancel", { callId: call.id });

  const page = ana.page;
  await expectControlled(page);

  // a person's history is kept when it is visited; Calls and Contacts are fetched ahead by the worker
  const apiResponses: Array<{ url: string; fromServiceWorker: boolean }> = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname.startsWith("/api/")) apiResponses.push({ url: r.url(), fromServiceWorker: r.fromServiceWorker() });
  });
  await page.goto(`/calls/person/${benId}`);
  await expect(page.getByRole("heading", { level: 1, name: ben.displayName })).toBeVisible();
  await expect
    .poll(() => cachedPages(page), { message: "Calls, Contacts and the person's page cached", timeout: 30_000 })
    .toEqual(["/calls", `/calls/person/${benId}`, "/contacts"].sort());
  // nothing from the API is ever answered or kept by the worker
  expect(apiResponses.length).toBeGreaterThan(0);
  expect(apiResponses.filter((r) => r.fromServiceWorker)).toEqual([]);
  const cachedApi = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
    return urls.filter((u) => new URL(u).pathname.startsWith("/api/"));
  });
  expect(cachedApi).toEqual([]);

  // Contacts loaded, then the connection drops: the banner says so and calling is switched off
  await page.goto("/contacts");
  const audioCall = page.getByRole("button", { name: `Audio call ${ben.displayName}`, exact: true });
  await expect(audioCall).toBeEnabled();
  await ana.context.setOffline(true);
  const banner = page.getByRole("status").filter({ hasText: "You’re offline." });
  await expect(banner).toBeVisible();
  await expect(audioCall).toBeDisabled();
  await expect(audioCall).toHaveAttribute("title", /offline: calling needs a connection/);
  await expect(page.getByRole("button", { name: `Video call ${ben.displayName}`, exact: true })).toBeDisabled();

  // opened with no connection at all: from the worker's copy, with the offline state instead of errors
  for (const [path, heading, text] of [
    ["/contacts", "Contacts", "Your contacts will show when you’re back online."],
    [`/calls/person/${benId}`, "Calls", "Your calls will show when you’re back online."],
    ["/calls", "Calls", "Your calls will show when you’re back online."],
  ] as const) {
    const response = await page.goto(path);
    expect(response?.fromServiceWorker(), `${path} served by the worker`).toBe(true);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(banner).toBeVisible();
    await expect(page.getByText(text)).toBeVisible();
    // no error in its place (Next's empty route announcer is an alert region too)
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveCount(0);
  }
  await snap(page, testInfo, "calls-offline-desktop");
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, testInfo, "calls-offline-phone");
  // the offline state reads as well as the rest (see a11y.spec.ts), in both themes
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${colorScheme}: ${v.id} ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  }
  await snap(page, testInfo, "calls-offline-phone-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });

  // the same tab comes back online: the history fills in, the banner goes, no reload happens
  await page.evaluate(() => {
    (window as unknown as { __sameDocument?: boolean }).__sameDocument = true;
  });
  await ana.context.setOffline(false);
  await expect(banner).toBeHidden();
  const rows = page.getByRole("list", { name: "Call history" }).getByRole("listitem");
  await expect(rows.first()).toContainText(ben.displayName, { timeout: 20_000 });
  await expect(page.getByRole("button", { name: `Call ${ben.displayName} back with audio` })).toBeEnabled();
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // a page that needs the network says so when opened offline, and offers what works
  await ana.context.setOffline(true);
  const settings = await page.goto("/settings");
  expect(settings?.status()).toBe(503);
  await expect(page.getByRole("heading", { level: 1, name: "You’re offline" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Contacts" })).toBeVisible();
  await snap(page, testInfo, "needs-network-offline");
  await ana.context.setOffline(false);
  // that notice reloads itself once the connection is back
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible({ timeout: 15_000 });

  // signing out forgets the pages, which show this person's name
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/signin/);
  await expect.poll(() => cachedPages(page), { message: "page cache emptied on sign-out" }).toEqual([]);
});

test("online, pages always come from the network, so a new deploy is never hidden behind a cached copy", async ({ browser }) => {
  const ana = await newPerson(browser, "Ana");
  people.push(ana);
  const page = ana.page;
  await expectControlled(page);
  await page.goto("/calls");
  await expect.poll(() => cachedPages(page)).toContain("/calls");
  // plant a stale copy: if the worker preferred the cache online, this is what would show
  await page.evaluate(async () => {
    const cache = await caches.open("ringback-pages-v1");
    await cache.put("/calls", new Response("<h1>stale copy</h1>", { headers: { "content-type": "text/html" } }));
  });
  await page.goto("/calls");
  await expect(page.getByRole("heading", { level: 1, name: "Calls" })).toBeVisible();
  await expect(page.getByText("stale copy")).toHaveCount(0);
  // and the fresh page replaced the planted one
  await expect
    .poll(() => page.evaluate(async () => (await (await caches.open("ringback-pages-v1")).match("/calls"))?.text()))
    .toContain("Ringback");
});

test("a page still on its way when the person signs out is not kept, and the sign-in page forgets any copy", async ({ browser }) => {
  const ana = await newPerson(browser, "Ana");
  people.push(ana);
  const page = ana.page;
  await expectControlled(page);
  // the worker's warm-up fetch of /contacts (5 s after a page loads) is answered by the server at once
  // (Ana still signed in), but the answer takes 3 s to arrive
  let contactsFetches = 0;
  await ana.context.route("**/contacts", async (route) => {
    contactsFetches += 1;
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await route.fulfill({ response }).catch(() => undefined);
  });
  await page.evaluate(() => caches.delete("ringback-pages-v1"));
  await page.goto("/calls");
  await expect.poll(() => contactsFetches, { timeout: 15_000, message: "the warm-up asked for /contacts" }).toBeGreaterThan(0);
  // sign out while that answer is still on its way
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/signin/);
  await page.waitForTimeout(4_000);
  expect(await cachedPages(page), "nothing of Ana's came back into the cache").toEqual([]);

  // a copy left behind (say a session ended on another device while this one was offline) goes when
  // the sign-in page opens
  await page.evaluate(async () => {
    const cache = await caches.open("ringback-pages-v1");
    await cache.put("/calls", new Response("<h1>Ana's calls</h1>", { headers: { "content-type": "text/html" } }));
  });
  await page.reload();
  await expect.poll(() => cachedPages(page), { message: "forgotten on the sign-in page" }).toEqual([]);
});
