import { expect, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { signUpViaUi, uniqueUser, type TestUser } from "../helpers";
import { inboundStats, installRtcProbe } from "./rtc-probe";

/** A signed-in person in their own browser context (own cookies, own fake camera and microphone). */
export type Person = TestUser & { id: string; context: BrowserContext; page: Page };

/** Signs a new user up through the UI in a fresh context and reads their id from the API. */
export async function newPerson(browser: Browser, label: string, viewport = { width: 1280, height: 800 }): Promise<Person> {
  const context = await browser.newContext({ viewport, permissions: ["camera", "microphone"] });
  await installRtcProbe(context);
  const page = await context.newPage();
  const user = uniqueUser(label);
  await signUpViaUi(page, user);
  const me = await trpcQuery<{ id: string }>(page, "me.get");
  return { ...user, id: me.id, context, page };
}

type TrpcEnvelope<T> = { result?: { data?: { json?: T } }; error?: { json?: { message?: string } } };

/** Calls a tRPC query as this person (same-origin request with their session cookie). */
export async function trpcQuery<T>(page: Page, path: string, input?: unknown): Promise<T> {
  const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await page.request.get(`/api/trpc/${path}${qs}`);
  const body = (await response.json()) as TrpcEnvelope<T>;
  expect(response.ok(), `${path}: ${body.error?.json?.message ?? response.status()}`).toBe(true);
  return body.result?.data?.json as T;
}

/** Calls a tRPC mutation as this person. */
export async function trpcMutation<T>(page: Page, path: string, input: unknown): Promise<T> {
  const response = await page.request.post(`/api/trpc/${path}`, {
    data: { json: input },
    headers: { "content-type": "application/json" },
  });
  const body = (await response.json()) as TrpcEnvelope<T>;
  expect(response.ok(), `${path}: ${body.error?.json?.message ?? response.status()}`).toBe(true);
  return body.result?.data?.json as T;
}

export async function addContacts(person: Person, ...others: Person[]): Promise<void> {
  for (const other of others) await trpcMutation(person.page, "contacts.add", { userId: other.id });
}

/** Places a 1:1 call from the Contacts page's call buttons; resolves once the caller's call page is open. */
export async function callFromContacts(caller: Person, callee: Person, kind: "audio" | "video"): Promise<void> {
  await caller.page.goto("/contacts");
  await caller.page.getByRole("button", { name: `${kind === "video" ? "Video" : "Audio"} call ${callee.displayName}`, exact: true }).click();
  await expect(caller.page).toHaveURL(/\/call\/[0-9a-f-]{36}/);
}

/** The full-screen incoming view for a ring from `caller`. */
export function incomingFrom(page: Page, caller: Person): Locator {
  return page.getByRole("dialog", { name: caller.displayName, exact: true });
}

/** The <video> showing `person` on `page`, as the call page labels it. */
export function remoteVideo(page: Page, person: Person): Locator {
  return page.getByLabel(`Video from ${person.displayName}`, { exact: true });
}

/**
 * Asserts the remote video really plays: it has decoded dimensions and keeps producing frames
 * (getVideoPlaybackQuality counts frames handed to the compositor).
 */
export async function expectVideoPlaying(video: Locator): Promise<void> {
  await expect(video).toBeVisible({ timeout: 20_000 });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000, message: "remote video has no frames" })
    .toBeGreaterThan(0);
  const frames = () => video.evaluate((v: HTMLVideoElement) => ({ frames: v.getVideoPlaybackQuality().totalVideoFrames, time: v.currentTime }));
  const before = await frames();
  await video.page().waitForTimeout(1_200);
  const after = await frames();
  expect(after.frames - before.frames, "remote video frames should keep arriving").toBeGreaterThan(5);
  expect(after.time).toBeGreaterThan(before.time);
}

/**
 * Asserts audio from `from` reaches `page`: inbound RTP bytes keep growing and carry energy (the fake
 * mic beeps). Reads the page's WebRTC stats, so `from` must be the only other person in the call.
 */
export async function expectAudioFlowing(page: Page, from: Person): Promise<void> {
  await expect.poll(() => inboundStats(page, "audio"), { timeout: 20_000, message: `no audio track from ${from.displayName}` }).not.toBeNull();
  const first = await inboundStats(page, "audio");
  await page.waitForTimeout(1_200);
  const second = await inboundStats(page, "audio");
  expect(first).not.toBeNull();
  expect(second).not.toBeNull();
  if (!first || !second) return;
  expect(second.bytesReceived, "inbound audio bytes should grow").toBeGreaterThan(first.bytesReceived);
  expect(Math.max(second.totalAudioEnergy, second.audioLevel), "inbound audio should carry sound").toBeGreaterThan(0);
}

/** The history rows on /calls (optionally the Missed tab). */
export async function openHistory(page: Page, tab: "All" | "Missed" = "All"): Promise<Locator> {
  await page.goto("/calls");
  await page.getByRole("tab", { name: tab }).click();
  await expect(page.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
  return page.getByRole("list", { name: "Call history" }).getByRole("listitem");
}

/** Records whether an incoming-call dialog ever appears on the page, so "never rang" can be asserted. */
export async function watchForRings(page: Page): Promise<() => Promise<boolean>> {
  await page.evaluate(() => {
    const w = window as unknown as { __sawRing?: boolean };
    w.__sawRing = Boolean(document.querySelector('[role="dialog"][aria-modal="true"]'));
    new MutationObserver(() => {
      if (document.querySelector('[role="dialog"][aria-modal="true"]')) w.__sawRing = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  return () => page.evaluate(() => Boolean((window as unknown as { __sawRing?: boolean }).__sawRing));
}
