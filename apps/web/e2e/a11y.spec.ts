import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { addContacts, callFromContacts, incomingFrom, newPerson, trpcMutation, type Person } from "./helpers/calls";
import { listMessages, sendClipAsMessage } from "./helpers/media";

/*
 * An axe-core scan (all of axe's default rules: WCAG 2.x A/AA and best practices) of every page and
 * call screen at desktop and phone width, and in the dark theme at phone width. Serious and critical findings fail the test; all of them
 * are listed at the end, so one run shows everything there is to fix.
 */

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

type Finding = { page: string; look: string; rule: string; impact: string; help: string; targets: string[]; why: string[] };

let workDir = "";
let clip: Buffer;

test.beforeAll(() => {
  // a 2 s message as a browser would record it (VP8 + Opus), for the message and Library item pages
  workDir = mkdtempSync(join(tmpdir(), "rb-a11y-"));
  const webm = join(workDir, "message.webm");
  execFileSync("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=2",
    "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
    "-c:v", "libvpx", "-b:v", "200k", "-c:a", "libopus", "-ar", "48000",
    webm,
  ]);
  clip = readFileSync(webm);
});
test.afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

const LOOKS = [
  { size: DESKTOP, scheme: "light" },
  { size: PHONE, scheme: "light" },
  // colours are what the theme changes; one width is enough for them
  { size: PHONE, scheme: "dark" },
] as const;

/** Scans the page as it is now in each look; findings of serious or critical impact are collected. */
async function scan(page: Page, name: string, findings: Finding[], testInfo: TestInfo): Promise<void> {
  const original = page.viewportSize() ?? DESKTOP;
  for (const { size, scheme } of LOOKS) {
    await page.setViewportSize(size);
    await page.emulateMedia({ colorScheme: scheme });
    // let a layout that switches at a breakpoint settle (and transitions end) before scanning
    await page.waitForTimeout(300);
    const result = await new AxeBuilder({ page }).analyze();
    const look = `${size.width}${scheme === "dark" ? " dark" : ""}`;
    for (const v of result.violations) {
      if (v.impact !== "serious" && v.impact !== "critical") continue;
      findings.push({ page: name, look, rule: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")), why: v.nodes.map((n) => n.failureSummary ?? "") });
    }
    await page.screenshot({ path: testInfo.outputPath(`${name.replace(/[^a-z0-9]+/gi, "-")}-${look.replace(" ", "-")}.png`) });
  }
  await page.setViewportSize(original);
  await page.emulateMedia({ colorScheme: "light" });
}

/** Sends `clip` as a video message after a declined call, once it has reached its recipient. */
async function sendVideoMessage(from: Person, to: Person): Promise<string> {
  const messageId = await sendClipAsMessage(from, to, clip);
  await expect
    .poll(async () => (await listMessages(to.page)).some((m) => m.id === messageId), { timeout: 45_000, message: "the message reaches its recipient" })
    .toBe(true);
  return messageId;
}

async function report(findings: Finding[], testInfo: TestInfo): Promise<void> {
  const path = testInfo.outputPath("axe-findings.json");
  writeFileSync(path, JSON.stringify(findings, null, 2));
  await testInfo.attach("axe-findings.json", { path, contentType: "application/json" });
}

test("signed out: sign-in, sign-up and not-found have no serious or critical axe findings", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  const findings: Finding[] = [];
  try {
    await page.goto("/signin");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await scan(page, "sign-in", findings, testInfo);
    // the form's own error state too
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForTimeout(500);
    await scan(page, "sign-in (errors)", findings, testInfo);

    await page.goto("/signup");
    await expect(page.getByRole("button", { name: "Create account" })).toBeVisible();
    await scan(page, "sign-up", findings, testInfo);

    const missing = await page.goto("/no-such-page");
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "This page doesn’t exist" })).toBeVisible();
    await scan(page, "not-found", findings, testInfo);
  } finally {
    await report(findings, testInfo);
    await context.close();
  }
  expect(findings.map(({ why: _why, ...f }) => f)).toEqual([]);
});

test("signed in: every page and call screen has no serious or critical axe findings", async ({ browser }, testInfo) => {
  test.setTimeout(360_000);
  const [ana, ben] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben")]);
  people.push(ana, ben);
  await Promise.all([addContacts(ana, ben), addContacts(ben, ana)]);
  const findings: Finding[] = [];
  try {
    // Ben leaves Ana a video message; she keeps it in her Library
    const messageId = await sendVideoMessage(ben, ana);
    await scan(ben.page, "call screen (declined, after the call)", findings, testInfo);
    const item = await trpcMutation<{ id: string }>(ana.page, "library.saveMessage", { messageId });

    const page = ana.page;
    await page.goto("/calls");
    await expect(page.getByRole("list", { name: "Call history" }).getByRole("listitem").first()).toBeVisible();
    await scan(page, "calls", findings, testInfo);
    await page.getByRole("tab", { name: "Missed" }).click();
    await expect(page.getByRole("tab", { name: "Missed" })).toHaveAttribute("aria-selected", "true");
    await page.waitForTimeout(500);
    await scan(page, "calls (missed)", findings, testInfo);

    await page.goto(`/calls/person/${ben.id}`);
    await expect(page.getByRole("heading", { level: 1, name: ben.displayName })).toBeVisible();
    await expect(page.getByRole("list", { name: "Call history" })).toBeVisible();
    await scan(page, "a person's calls", findings, testInfo);

    await page.goto("/contacts");
    await expect(page.getByRole("button", { name: `Audio call ${ben.displayName}`, exact: true })).toBeVisible();
    await scan(page, "contacts", findings, testInfo);
    await page.getByRole("searchbox", { name: "Search people" }).fill(ben.handle);
    await expect(page.getByRole("heading", { name: "Search results" })).toBeVisible();
    await expect(page.getByText("In contacts")).toBeVisible();
    await scan(page, "contacts (search results)", findings, testInfo);

    await page.goto("/settings");
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    await page.waitForLoadState("networkidle").catch(() => {});
    await scan(page, "settings", findings, testInfo);

    await page.goto("/library");
    await expect(page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible();
    await expect(page.locator(`a[href="/library/${item.id}"]`).first()).toBeVisible();
    await scan(page, "library", findings, testInfo);

    await page.goto(`/library/${item.id}`);
    await expect(page.getByRole("heading", { level: 1, name: `Video message from ${ben.displayName}` })).toBeVisible();
    await scan(page, "library item", findings, testInfo);

    await page.goto(`/messages/${messageId}`);
    await expect(page.getByLabel("Video message", { exact: true })).toBeVisible();
    await scan(page, "message", findings, testInfo);

    // A video call: Ben's outgoing screen and Ana's incoming one while it rings, then both in the call.
    // Six scans while it rings: Ana lets it ring for the longest time she may choose (a busy machine
    // took more than the default 30 s).
    await trpcMutation(page, "settings.update", { ringTimeoutSeconds: 60 });
    await page.goto("/calls");
    await callFromContacts(ben, ana, "video");
    const ring = incomingFrom(page, ben);
    await expect(ring).toBeVisible();
    await scan(page, "incoming call", findings, testInfo);
    await scan(ben.page, "outgoing call (ringing)", findings, testInfo);
    await ring.getByRole("button", { name: "Accept with video" }).click();
    await expect(page.getByRole("button", { name: "End call" })).toBeVisible();
    await expect(ben.page.getByRole("button", { name: "End call" })).toBeVisible();
    await expect(ben.page.getByLabel(`Video from ${ana.displayName}`, { exact: true })).toBeVisible({ timeout: 20_000 });
    await scan(page, "in call (callee)", findings, testInfo);
    await scan(ben.page, "in call (caller)", findings, testInfo);
    await page.getByRole("button", { name: "End call" }).click();
  } finally {
    await report(findings, testInfo);
  }
  expect(findings.map(({ why: _why, ...f }) => f)).toEqual([]);
});
