import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Locator, type Page } from "@playwright/test";
import { callFromContacts, incomingFrom, trpcMutation, trpcQuery, type Person } from "./calls";

/*
 * Helpers for the message tests: recording a take through the recorder's UI, reading a message's
 * real length and playback in the browser, and where the test stack keeps its files.
 */

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
/** The test stack's media folder (scripts/stack/main.ts, profile "test": MEDIA_DIR). */
export const testMediaDir = join(repoRoot, ".data", "test-run", "media");

/** True while the stored files of a message exist (LocalStorage keeps them under messages/<id>). */
export function messageFilesExist(messageId: string): boolean {
  return existsSync(join(testMediaDir, "store", "messages", messageId));
}

/** True while a tus upload's data file exists in the API's upload folder. */
export function uploadFilesExist(uploadId: string): boolean {
  return existsSync(join(testMediaDir, "uploads", uploadId));
}

/** The video message recorder dialog. */
export function recorderDialog(page: Page): Locator {
  return page.getByRole("dialog", { name: "Video message", exact: true });
}

/**
 * Records one take of about `seconds` through the UI: waits out the visible 3-2-1, watches the
 * clock reach `seconds`, presses Stop and waits for the preview. Returns the clock's last reading.
 */
export async function recordTake(page: Page, seconds: number, during?: (second: number) => Promise<void>): Promise<string> {
  const dialog = recorderDialog(page);
  await expect(dialog).toBeVisible();
  const status = dialog.getByRole("status");
  // the countdown is seen, one number after another
  for (const n of ["3", "2", "1"]) await expect(status.filter({ hasText: new RegExp(`^${n}$`) })).toBeVisible({ timeout: 5_000 });
  const timer = dialog.getByRole("timer", { name: "Recording time" });
  const stop = dialog.getByRole("button", { name: "Stop", exact: true });
  await expect(stop).toBeVisible({ timeout: 10_000 });
  // it starts from zero (on a loaded machine it may already read 0:01 by the time this looks)
  await expect(timer).toHaveText(/^0:0[01]$/);
  const clock = async () => {
    const [m, s] = ((await timer.textContent()) ?? "0:00").split(":").map(Number);
    return (m ?? 0) * 60 + (s ?? 0);
  };
  for (let s = 1; s <= seconds; s++) {
    // the clock ticks every second; poll often so no second is missed
    await expect.poll(clock, { intervals: [100], timeout: 3_000, message: `recording clock should reach ${s} s` }).toBeGreaterThanOrEqual(s);
    if (during) await during(s);
  }
  const reading = (await timer.textContent()) ?? "";
  await stop.click();
  await expect(dialog.getByLabel("Preview", { exact: true })).toBeVisible();
  return reading;
}

/**
 * Loads `url` in a fresh <video> of the page and returns its length in seconds. A file straight from
 * MediaRecorder reports Infinity until it has been read to the end, so that is forced here too.
 */
export async function mediaDurationSeconds(page: Page, url: string): Promise<number> {
  return page.evaluate(async (src) => {
    const video = document.createElement("video");
    video.muted = true;
    video.preload = "auto";
    video.src = src;
    await new Promise<void>((resolve, reject) => {
      video.onloadedmetadata = () => resolve();
      video.onerror = () => reject(new Error(`cannot load ${src}`));
    });
    if (!Number.isFinite(video.duration)) {
      video.currentTime = Number.MAX_SAFE_INTEGER;
      await new Promise<void>((resolve) => {
        const check = () => (Number.isFinite(video.duration) ? resolve() : undefined);
        video.ondurationchange = check;
        video.ontimeupdate = check;
      });
    }
    const duration = video.duration;
    video.removeAttribute("src");
    video.load();
    return duration;
  }, url);
}

/** Asserts a <video>/<audio> really plays: time moves forward on its own. */
export async function expectPlaying(media: Locator): Promise<void> {
  await expect
    .poll(() => media.evaluate((m: HTMLMediaElement) => m.readyState), { message: "media never loaded", timeout: 15_000 })
    .toBeGreaterThanOrEqual(2);
  await media.evaluate((m: HTMLMediaElement) => {
    m.muted = true;
    return m.play();
  });
  const before = await media.evaluate((m: HTMLMediaElement) => m.currentTime);
  await expect
    .poll(() => media.evaluate((m: HTMLMediaElement) => m.currentTime), { message: "playback does not advance", timeout: 5_000 })
    .toBeGreaterThan(before + 0.3);
}

/** Seeks to `seconds` and asserts playback continues from there (needs Range requests on the server). */
export async function expectSeeks(media: Locator, seconds: number): Promise<void> {
  await media.evaluate(async (m: HTMLMediaElement, to) => {
    m.muted = true;
    await new Promise<void>((resolve) => {
      m.addEventListener("seeked", () => resolve(), { once: true });
      m.currentTime = to;
    });
    await m.play();
  }, seconds);
  const landed = await media.evaluate((m: HTMLMediaElement) => m.currentTime);
  expect(landed, "the seek should land where it was asked").toBeGreaterThanOrEqual(seconds - 0.5);
  await expect
    .poll(() => media.evaluate((m: HTMLMediaElement) => m.currentTime), { message: "playback after the seek does not advance", timeout: 5_000 })
    .toBeGreaterThan(landed + 0.3);
}

export type SentMessage = { id: string; kind: "video" | "voicemail"; direction: "received" | "sent"; durationMs: number | null; mediaUrl: string };

/** The person's messages as the API lists them (received ready ones and their own sent ones). */
export async function listMessages(page: Page, input: { withUserId?: string } = {}): Promise<SentMessage[]> {
  return trpcQuery<SentMessage[]>(page, "messages.list", input);
}

/** Upload ids (the last path segment of each Location the API answered a tus creation with). */
export function watchUploadCreations(page: Page): string[] {
  const ids: string[] = [];
  page.on("response", (response) => {
    const request = response.request();
    if (request.method() !== "POST" || !/\/api\/uploads\/?$/.test(new URL(request.url()).pathname)) return;
    const location = response.headers()["location"];
    const id = location?.split("/").filter(Boolean).at(-1);
    if (id) ids.push(id);
  });
  return ids;
}

/** Sends `body` as the message through tus (create, then one PATCH), with the sender's cookies. */
export async function uploadMessage(page: Page, messageId: string, uploadUrl: string, body: Buffer): Promise<void> {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const created = await page.request.post(uploadUrl, {
    headers: {
      "Tus-Resumable": "1.0.0",
      "Upload-Length": String(body.length),
      "Upload-Metadata": `messageId ${b64(messageId)},filetype ${b64("video/webm")}`,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const location = created.headers()["location"];
  expect(location).toBeTruthy();
  const patched = await page.request.patch(location ?? "", {
    headers: { "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
    data: body,
  });
  expect(patched.status(), await patched.text()).toBe(204);
}

/**
 * `from` video-calls `to`, who declines, and `from` sends `clip` as the video message through the
 * recorder's upload (without the recorder's UI). Returns the message id.
 */
export async function sendClipAsMessage(from: Person, to: Person, clip: Buffer): Promise<string> {
  await callFromContacts(from, to, "video");
  const callId = /\/call\/([0-9a-f-]{36})/.exec(from.page.url())?.[1] ?? "";
  await incomingFrom(to.page, from).getByRole("button", { name: "Decline" }).click();
  await expect(from.page.getByRole("status").filter({ hasText: /^Declined$/ })).toBeVisible();
  const begun = await trpcMutation<{ messageId: string; uploadUrl: string }>(from.page, "messages.begin", { callId });
  await uploadMessage(from.page, begun.messageId, begun.uploadUrl, clip);
  return begun.messageId;
}
