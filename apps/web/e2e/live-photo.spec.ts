import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, expect, test, type Browser, type Page } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./chromium";
import { snap } from "./helpers";
import { addContacts, callFromContacts, expectVideoPlaying, incomingFrom, newPerson, remoteVideo, trpcMutation, trpcQuery, type Person } from "./helpers/calls";

/*
 * Live Photos end to end: Ben's browser has a camera of its own, a Y4M of four solid colour
 * quadrants made here with ffmpeg, so the still Ana takes of him can be checked pixel by pixel: it
 * is his picture (not black, not the page around it), at his camera's resolution.
 */

const PHONE = { width: 390, height: 844 };
const CAMERA = { width: 640, height: 360 };
/** top left, top right, bottom left, bottom right */
const QUADRANTS = [
  { name: "red", rgb: [255, 0, 0], at: { x: 0.25, y: 0.25 } },
  { name: "green", rgb: [0, 255, 0], at: { x: 0.75, y: 0.25 } },
  { name: "blue", rgb: [0, 0, 255], at: { x: 0.25, y: 0.75 } },
  { name: "white", rgb: [255, 255, 255], at: { x: 0.75, y: 0.75 } },
] as const;

let workDir = "";
let quadrantCamera = "";

test.beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "rb-live-photo-"));
  quadrantCamera = join(workDir, "quadrants.y4m");
  const half = `${CAMERA.width / 2}x${CAMERA.height / 2}`;
  const tile = (c: string) => `color=c=${c}:s=${half}:r=20`;
  // two seconds (Chromium loops the file), 640×360 like the call's own capture size
  execFileSync("ffmpeg", [
    ...["-nostdin", "-v", "error", "-y"],
    ...["-f", "lavfi", "-i", tile("red"), "-f", "lavfi", "-i", tile("lime"), "-f", "lavfi", "-i", tile("blue"), "-f", "lavfi", "-i", tile("white")],
    ...["-filter_complex", "[0][1]hstack[top];[2][3]hstack[bottom];[top][bottom]vstack,format=yuv420p", "-t", "2", quadrantCamera],
  ]);
});
test.afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const browsers: Browser[] = [];
const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
  for (const b of browsers.splice(0)) await b.close();
});

async function browserWithCamera(y4m: string): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, `--use-file-for-fake-video-capture=${y4m}`] });
  browsers.push(browser);
  return browser;
}

/** The average colour around a point of a picture (fractions of its size), as 0–255 RGB, read with ffmpeg. */
function colourAt(file: string, at: { x: number; y: number }): [number, number, number] {
  const filter = `crop=iw*0.2:ih*0.2:iw*${at.x - 0.1}:ih*${at.y - 0.1},scale=1:1:flags=area,format=rgb24`;
  const out = execFileSync("ffmpeg", ["-nostdin", "-v", "error", "-i", file, "-vf", filter, "-frames:v", "1", "-f", "rawvideo", "pipe:1"]);
  return [out[0] ?? 0, out[1] ?? 0, out[2] ?? 0];
}

function expectColour(actual: [number, number, number], expected: readonly number[], what: string) {
  for (let i = 0; i < 3; i++) {
    expect(Math.abs((actual[i] ?? 0) - (expected[i] ?? 0)), `${what}: ${actual.join(",")} vs ${expected.join(",")}`).toBeLessThan(60);
  }
}

type ItemView = { id: string; status: string; width: number | null; height: number | null; stillUrl: string | null; clipUrl: string | null; people: Array<{ id: string }> };

/** A clip URL plays in a fresh <video> of the page: it loads, has a length, and its time moves. */
async function expectClipPlays(page: Page, url: string): Promise<number> {
  return page.evaluate(async (src) => {
    const video = document.createElement("video");
    video.muted = true;
    video.src = src;
    document.body.append(video);
    await new Promise<void>((resolve, reject) => {
      video.onloadeddata = () => resolve();
      video.onerror = () => reject(new Error(`cannot load ${src}`));
    });
    await video.play();
    await new Promise((r) => setTimeout(r, 800));
    const t = video.currentTime;
    video.remove();
    if (!(t > 0.3)) throw new Error(`the clip did not play (currentTime ${t})`);
    return video.duration;
  }, url);
}

/** Ana video-calls Ben, he answers; both see the other's picture playing. */
async function inCall(ana: Person, ben: Person): Promise<string> {
  await callFromContacts(ana, ben, "video");
  await incomingFrom(ben.page, ana).getByRole("button", { name: "Accept with video" }).click();
  await expect(ben.page).toHaveURL(/\/call\//);
  await Promise.all([expectVideoPlaying(remoteVideo(ana.page, ben)), expectVideoPlaying(remoteVideo(ben.page, ana))]);
  const callId = /\/call\/([0-9a-f-]{36})/.exec(ana.page.url())?.[1];
  expect(callId).toBeTruthy();
  return callId ?? "";
}

/** Posts a Live Photo's files as `page`'s person; the answer's status and error. */
async function postPhoto(page: Page, uploadUrl: string, still: Buffer, clip: Buffer): Promise<{ status: number; error: string | null }> {
  const response = await page.request.post(uploadUrl, {
    multipart: {
      pressOffsetMs: "1500",
      still: { name: "still.jpg", mimeType: "image/jpeg", buffer: still },
      clip: { name: "clip.webm", mimeType: "video/webm", buffer: clip },
    },
  });
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  return { status: response.status(), error: body.error ?? null };
}

test("Live Photo: Ana takes one of Ben, he is told at once; the still is his camera's picture and the clip plays; when he turns Live Photos off the shutter and the API refuse", async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const benBrowser = await browserWithCamera(quadrantCamera);
  const [ana, ben] = await Promise.all([newPerson(browser, "Ana"), newPerson(benBrowser, "Ben")]);
  people.push(ana, ben);
  await Promise.all([addContacts(ana, ben), addContacts(ben, ana)]);
  const callId = await inCall(ana, ben);

  // Both allow Live Photos (the default): Ana's shutter is enabled for Ben.
  const shutter = ana.page.getByRole("button", { name: "Take Live Photo" });
  await expect(shutter).toBeVisible();
  await expect(shutter).not.toHaveAttribute("aria-disabled", "true", { timeout: 20_000 });
  // let the rolling buffer hold more than the 1.5 s before the press
  await ana.page.waitForTimeout(3_500);
  await snap(ana.page, testInfo, "shutter-enabled-1280");
  await ana.page.setViewportSize(PHONE);
  await snap(ana.page, testInfo, "shutter-enabled-390");
  await ana.page.setViewportSize({ width: 1280, height: 800 });

  await shutter.click();
  // Ben is told at the press, on his call screen
  const notice = ben.page.getByText(`${ana.displayName} took a Live Photo`);
  await expect(notice).toBeVisible({ timeout: 10_000 });
  await snap(ben.page, testInfo, "subject-notice-1280");
  await ben.page.setViewportSize(PHONE);
  await snap(ben.page, testInfo, "subject-notice-390");
  await ben.page.setViewportSize({ width: 1280, height: 800 });

  // Ana: saved, with a link to it
  const saved = ana.page.getByText("Live Photo saved to your Library");
  await expect(saved).toBeVisible({ timeout: 20_000 });
  const view = ana.page.getByRole("link", { name: "View" });
  await expect(view).toBeVisible();
  await snap(ana.page, testInfo, "saved-toast-1280");
  const itemId = /\/library\/([0-9a-f-]{36})$/.exec((await view.getAttribute("href")) ?? "")?.[1] ?? "";
  expect(itemId).not.toBe("");

  // In Ana's Library: ready, of Ben, at his camera's resolution
  const item = await trpcQuery<ItemView>(ana.page, "library.get", { itemId });
  expect(item).toMatchObject({ status: "ready", width: CAMERA.width, height: CAMERA.height, people: [{ id: ben.id }] });
  expect(item.stillUrl).toBe(`/api/media/library/${itemId}/still`);
  expect(item.clipUrl).toBe(`/api/media/library/${itemId}/clip`);

  // The still's pixels are Ben's camera: the four quadrants in their places (not black, not the page)
  const stillResponse = await ana.page.request.get(item.stillUrl ?? "");
  expect(stillResponse.status()).toBe(200);
  expect(stillResponse.headers()["content-type"]).toBe("image/jpeg");
  const still = await stillResponse.body();
  const stillFile = testInfo.outputPath("still.jpg");
  writeFileSync(stillFile, still);
  await testInfo.attach("still", { path: stillFile, contentType: "image/jpeg" });
  for (const q of QUADRANTS) expectColour(colourAt(stillFile, q.at), q.rgb, `still ${q.name} quadrant`);

  // The clip plays, about three seconds around the press
  const clipLength = await expectClipPlays(ana.page, item.clipUrl ?? "");
  expect(clipLength).toBeGreaterThan(2);
  expect(clipLength).toBeLessThan(3.6);
  const clip = await (await ana.page.request.get(item.clipUrl ?? "")).body();

  // The Library page shows it as a Live Photo: the still, and the clip playing on hover
  await ana.context.newPage().then(async (libraryPage) => {
    await libraryPage.goto(`/library/${itemId}`);
    const photo = libraryPage.getByRole("img", { name: `Live Photo of ${ben.displayName}` });
    await expect(photo).toBeVisible();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(CAMERA.width);
    // the photo as a whole (still and clip over each other) plays when the pointer is on it
    await libraryPage.locator("figure").filter({ has: photo }).hover({ timeout: 10_000 });
    const clipVideo = libraryPage.getByLabel("Live Photo clip", { exact: true });
    await expect.poll(() => clipVideo.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.3);
    await libraryPage.close();
  });

  // A press the API accepts now, whose files come after Ben turned Live Photos off (a forged upload)
  const pending = await trpcMutation<{ itemId: string; uploadUrl: string }>(ana.page, "livePhotos.capture", { callId, subjectId: ben.id });

  // Ben turns Live Photos off in Settings (another tab; the call goes on)
  const settings = await ben.context.newPage();
  await settings.goto("/settings");
  const allow = settings.getByRole("switch", { name: "Allow Live Photos" });
  await expect(allow).toHaveAttribute("aria-checked", "true");
  await allow.click();
  await expect(allow).toHaveAttribute("aria-checked", "false");
  await settings.close();

  // Ana's shutter is disabled with the reason, which she sees when she presses it
  const reason = `${ben.displayName} doesn't allow Live Photos`;
  await expect(shutter).toHaveAttribute("aria-disabled", "true", { timeout: 20_000 });
  await expect(shutter).toHaveAccessibleDescription(reason);
  // (aria-disabled: Playwright would wait for it to be enabled; a person can still press it)
  await shutter.click({ force: true });
  await expect(ana.page.getByRole("tooltip").filter({ hasText: reason })).toBeVisible();
  await snap(ana.page, testInfo, "shutter-disabled-1280");
  await ana.page.mouse.move(0, 0);
  await ana.page.setViewportSize(PHONE);
  // from the keyboard too
  await shutter.focus();
  await ana.page.keyboard.press("Enter");
  await expect(ana.page.getByRole("tooltip").filter({ hasText: reason })).toBeVisible();
  await snap(ana.page, testInfo, "shutter-disabled-390");
  await ana.page.setViewportSize({ width: 1280, height: 800 });

  // The API refuses a forged press and the forged upload of the earlier press, with the same words
  const forged = await ana.page.request.post("/api/trpc/livePhotos.capture", { data: { json: { callId, subjectId: ben.id } } });
  expect(forged.status()).toBe(403);
  expect(JSON.stringify(await forged.json())).toContain(reason);
  expect(await postPhoto(ana.page, pending.uploadUrl, still, clip)).toEqual({ status: 403, error: reason });
  // and nothing of it is in her Library
  const list = await trpcQuery<{ items: Array<{ id: string }> }>(ana.page, "library.list", { filter: "live-photo" });
  expect(list.items.map((i) => i.id)).toEqual([itemId]);

  // Someone not in the call gets nothing either: no such call, no such upload
  const cy = await newPerson(browser, "Cy");
  people.push(cy);
  const outsiderPress = await cy.page.request.post("/api/trpc/livePhotos.capture", { data: { json: { callId, subjectId: ben.id } } });
  expect(outsiderPress.status()).toBe(404);
  expect(JSON.stringify(await outsiderPress.json())).toContain("No such call");
  expect(await postPhoto(cy.page, `/api/library/photos/${itemId}`, still, clip)).toEqual({ status: 404, error: "Not found" });
  expect((await cy.page.request.get(item.stillUrl ?? "")).status()).toBe(404);
});

test("Live Photo in a group call: the shutter asks for a tile until one is focused", async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const [ana, ben, cy] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben"), newPerson(browser, "Cy")]);
  people.push(ana, ben, cy);
  await addContacts(ana, ben, cy);
  await ana.page.goto("/contacts");
  await ana.page.getByRole("button", { name: "Call several" }).click();
  const picker = ana.page.getByRole("dialog", { name: "Call several people" });
  await picker.getByRole("checkbox", { name: ben.displayName }).check();
  await picker.getByRole("checkbox", { name: cy.displayName }).check();
  await picker.getByRole("button", { name: "Video" }).click();
  await expect(ana.page).toHaveURL(/\/call\//);
  for (const p of [ben, cy]) await incomingFrom(p.page, ana).getByRole("button", { name: "Accept with video" }).click();
  await Promise.all([expectVideoPlaying(remoteVideo(ana.page, ben)), expectVideoPlaying(remoteVideo(ana.page, cy))]);

  const shutter = ana.page.getByRole("button", { name: "Take Live Photo" });
  await expect(shutter).toHaveAttribute("aria-disabled", "true");
  await expect(shutter).toHaveAccessibleDescription("Select someone's tile to take a Live Photo");
  await snap(ana.page, testInfo, "group-shutter-no-focus-1280");

  await ana.page.getByRole("button", { name: `Focus ${cy.displayName}` }).click();
  await expect(shutter).not.toHaveAttribute("aria-disabled", "true", { timeout: 20_000 });
  await ana.page.waitForTimeout(2_000);
  await shutter.click();
  await expect(cy.page.getByText(`${ana.displayName} took a Live Photo`)).toBeVisible({ timeout: 10_000 });
  await expect(ana.page.getByText("Live Photo saved to your Library")).toBeVisible({ timeout: 20_000 });
  // only Cy was photographed
  await expect(ben.page.getByText(`${ana.displayName} took a Live Photo`)).toHaveCount(0);
  const list = await trpcQuery<{ items: Array<{ people: Array<{ id: string }> }> }>(ana.page, "library.list", { filter: "live-photo" });
  expect(list.items.map((i) => i.people.map((p) => p.id))).toEqual([[cy.id]]);
});
