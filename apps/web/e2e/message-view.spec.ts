import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { snap } from "./helpers";
import { addContacts, newPerson, trpcQuery, type Person } from "./helpers/calls";
import { sendClipAsMessage } from "./helpers/media";

/*
 * The recipient's message page with a real message: a short WebM (test pattern plus espeak-ng
 * speech) uploaded through the same tus endpoint the recorder uses, processed by the real jobs and
 * transcribed by the real worker. The recorder itself is covered by video-message.spec.ts.
 */

const PHONE = { width: 390, height: 844 };
const SPEECH = "Are we still on for dinner tonight? I booked a table near the station. Bring the tickets for the concert.";

let workDir = "";
let clip: Buffer;

test.beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "rb-message-view-"));
  const raw = join(workDir, "speech.wav");
  const webm = join(workDir, "message.webm");
  execFileSync("espeak-ng", ["-v", "en-us", "-s", "150", "-w", raw, SPEECH]);
  // a test pattern as long as the speech plus a second, VP8 + Opus as a browser would record it
  execFileSync("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", "testsrc=size=640x480:rate=24",
    "-i", raw,
    "-af", "apad=pad_dur=1", "-shortest",
    "-c:v", "libvpx", "-b:v", "400k", "-c:a", "libopus", "-ar", "48000",
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

test("a video message: toast, row, player with the spoken word highlighted, seek by word, search, delete", async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const [alex, bea] = await Promise.all([newPerson(browser, "Alex"), newPerson(browser, "Bea")]);
  people.push(alex, bea);
  await addContacts(alex, bea);
  await addContacts(bea, alex);
  await bea.page.goto("/calls");

  const messageId = await sendClipAsMessage(alex, bea, clip);

  // Bea is told, and the history row of the call gets the thumbnail with its length.
  await expect(bea.page.getByText(`${alex.displayName} left you a video message`)).toBeVisible({ timeout: 60_000 });
  const thumb = bea.page.getByRole("list", { name: "Call history" }).getByRole("link", { name: /^Video message, 0:0\d$/ });
  await expect(thumb).toBeVisible();
  await expect(thumb).toHaveAttribute("href", `/messages/${messageId}`);
  await expect(thumb.locator("img")).toHaveJSProperty("complete", true);
  await snap(bea.page, testInfo, "history-with-message-1280");

  await expect(bea.page.getByRole("link", { name: /1 missed call or message/ }).first()).toBeAttached();
  await bea.page.getByRole("link", { name: "Watch" }).click();
  await expect(bea.page).toHaveURL(new RegExp(`/messages/${messageId}$`));
  const video = bea.page.getByLabel("Video message", { exact: true });
  await expect(video).toBeVisible();
  await expect(bea.page.getByRole("button", { name: "Mark as watched" })).toBeVisible();
  const transcript = bea.page.getByRole("region", { name: "Transcript" });
  await expect(transcript).toContainText(/dinner/i, { timeout: 60_000 });
  await expect(transcript).toContainText(/concert/i);

  // Its real length, from the file the page streams.
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.duration), { timeout: 15_000 }).toBeGreaterThan(5);

  // Playing highlights the word being spoken, and the highlight moves on with the playback.
  await video.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  const current = transcript.locator('span[data-start-ms][aria-current="true"]');
  await expect(current).toHaveCount(1, { timeout: 10_000 });
  const firstAt = Number(await current.getAttribute("data-start-ms"));
  await expect.poll(async () => Number(await current.getAttribute("data-start-ms")), { timeout: 10_000 }).toBeGreaterThan(firstAt);
  const [at, startMs] = await Promise.all([video.evaluate((v: HTMLVideoElement) => v.currentTime * 1000), current.getAttribute("data-start-ms").then(Number)]);
  expect(startMs).toBeLessThanOrEqual(at + 250);
  // Watching marked it seen, and the Calls badge (which counted it) goes away.
  await expect(bea.page.getByRole("button", { name: "Mark as watched" })).toHaveCount(0);
  await expect(bea.page.getByRole("link", { name: /missed call/ })).toHaveCount(0);
  await snap(bea.page, testInfo, "message-playing-1280");

  // Clicking a word seeks there (a range request: the browser does not fetch the file again whole).
  const concert = transcript.locator("span[data-start-ms]", { hasText: /^concert/i }).first();
  const concertMs = Number(await concert.getAttribute("data-start-ms"));
  await concert.click();
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime * 1000), { timeout: 5_000 }).toBeGreaterThanOrEqual(concertMs - 50);
  await expect(transcript.locator('span[aria-current="true"]')).toHaveText(/concert/i, { timeout: 5_000 });
  const ranged = await bea.page.request.get(`/api/media/messages/${messageId}`, { headers: { Range: "bytes=100-199" } });
  expect(ranged.status()).toBe(206);
  expect((await ranged.body()).length).toBe(100);

  // The same page on a phone: transcript under the player.
  await bea.page.setViewportSize(PHONE);
  await snap(bea.page, testInfo, "message-playing-390");
  await bea.page.setViewportSize({ width: 1280, height: 800 });

  // Search from the Calls page finds it by a spoken word, highlighted.
  await bea.page.goto("/calls");
  await bea.page.getByRole("searchbox", { name: "Search messages" }).fill("tickets");
  const results = bea.page.getByRole("list", { name: "Search results" });
  await expect(results.locator("mark")).toContainText([/tickets/i]);
  await expect(results.getByRole("link", { name: /^Video message, / })).toHaveAttribute("href", `/messages/${messageId}`);
  await snap(bea.page, testInfo, "search-1280");
  await bea.page.getByRole("searchbox", { name: "Search messages" }).fill("xylophone");
  await expect(bea.page.getByText("No messages found")).toBeVisible();

  // The person page lists it under Videos.
  await bea.page.goto(`/calls/person/${alex.id}`);
  await expect(bea.page.getByRole("region", { name: "Videos" }).getByRole("link", { name: /^Video message, / })).toBeVisible();
  await snap(bea.page, testInfo, "person-1280");

  // Delete: confirmed, back to Calls, and gone for Alex as well (his open page says so at once).
  await alex.page.goto(`/messages/${messageId}`);
  await expect(alex.page.getByLabel("Video message", { exact: true })).toBeVisible();
  await expect(alex.page.getByText("Watched", { exact: true })).toBeVisible();
  await bea.page.goto(`/messages/${messageId}`);
  await bea.page.getByRole("button", { name: "Delete" }).click();
  await bea.page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(bea.page).toHaveURL(/\/calls$/);
  await expect(alex.page.getByRole("heading", { name: "This message was deleted" })).toBeVisible();
  const after = await alex.page.request.get(`/api/media/messages/${messageId}`);
  expect(after.status()).toBe(404);
  await alex.page.reload();
  await expect(alex.page.getByRole("heading", { name: "This message isn’t available" })).toBeVisible();
  const list = await trpcQuery<unknown[]>(alex.page, "messages.list", {});
  expect(list).toHaveLength(0);
});
