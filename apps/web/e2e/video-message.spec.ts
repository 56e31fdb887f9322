import { expect, test } from "@playwright/test";
import { snap } from "./helpers";
import { addContacts, callFromContacts, incomingFrom, newPerson, openHistory, type Person } from "./helpers/calls";
import {
  expectPlaying,
  expectSeeks,
  listMessages,
  mediaDurationSeconds,
  messageFilesExist,
  recordTake,
  recorderDialog,
  uploadFilesExist,
  watchUploadCreations,
} from "./helpers/media";

const PHONE = { width: 390, height: 844 };

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

test("video message: record, retake, send; the callee watches it, seeks, deletes it; it is gone everywhere", async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const [ana, ben] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben", PHONE)]);
  people.push(ana, ben);
  // Ben knows Ana (she is one of his contacts): she may leave him a message.
  await Promise.all([addContacts(ana, ben), addContacts(ben, ana)]);
  const uploads = watchUploadCreations(ana.page);

  // Ana video-calls Ben; he declines.
  await callFromContacts(ana, ben, "video");
  await incomingFrom(ben.page, ana).getByRole("button", { name: "Decline" }).click();
  await expect(ana.page.getByRole("status").filter({ hasText: /^Declined$/ })).toBeVisible();
  const after = ana.page.getByRole("toolbar", { name: "After the call" });
  await expect(after.getByRole("button", { name: "Record Video" })).toBeVisible();
  expect(await after.getByRole("button").evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label")))).toEqual([
    "Close",
    "Record Video",
    "Call Again",
  ]);
  await snap(ana.page, testInfo, "outcome-record-video-1280");
  await ana.page.setViewportSize(PHONE);
  await snap(ana.page, testInfo, "outcome-record-video-390");
  await ana.page.setViewportSize({ width: 1280, height: 800 });

  // First take: ~5 s, then Retake.
  await after.getByRole("button", { name: "Record Video" }).click();
  const dialog = recorderDialog(ana.page);
  await expect(dialog.getByLabel("Your camera")).toBeVisible();
  await expect(dialog.getByRole("status")).toHaveText("3");
  await snap(ana.page, testInfo, "recorder-countdown-1280");
  await recordTake(ana.page, 5, async (second) => {
    if (second === 3) await snap(ana.page, testInfo, "recorder-recording-1280");
  });
  const preview = dialog.getByLabel("Preview", { exact: true });
  await expectPlaying(preview);
  const firstLength = await preview.evaluate((v: HTMLVideoElement) => v.duration);
  expect(firstLength).toBeGreaterThan(4);
  expect(firstLength).toBeLessThan(7);
  await snap(ana.page, testInfo, "recorder-preview-1280");
  await expect.poll(() => uploads.length, { message: "the first take streams while recording" }).toBe(1);
  const firstUpload = uploads[0] ?? "";
  expect(uploadFilesExist(firstUpload)).toBe(true);
  await dialog.getByRole("button", { name: "Retake" }).click();
  // the first take is thrown away on the server too: its upload files go
  await expect.poll(() => uploadFilesExist(firstUpload), { message: "the retaken upload is deleted" }).toBe(false);

  // Second take: ~5 s, on a phone-sized screen; Save downloads it, Send sends it.
  await ana.page.setViewportSize(PHONE);
  await recordTake(ana.page, 5, async (second) => {
    if (second === 2) await snap(ana.page, testInfo, "recorder-recording-390");
  });
  await snap(ana.page, testInfo, "recorder-preview-390");
  const downloadPromise = ana.page.waitForEvent("download");
  await dialog.getByRole("button", { name: "Save" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe(`Video message to ${ben.displayName}.webm`);
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Message sent" })).toBeVisible({ timeout: 20_000 });
  await snap(ana.page, testInfo, "recorder-sent-390");
  expect(uploads).toHaveLength(2);
  // once sent, ✕ leaves like Done: no outcome screen offering a second message
  await dialog.getByRole("button", { name: "Close", exact: true }).click();
  await expect(ana.page).toHaveURL(/\/calls$/);
  await expect(ana.page.getByRole("button", { name: "Record Video" })).toHaveCount(0);

  // Ana's own list holds exactly the one sent message (the retake left nothing behind).
  const sent = (await listMessages(ana.page, { withUserId: ben.id })).filter((m) => m.direction === "sent");
  expect(sent).toHaveLength(1);
  const messageId = sent[0]?.id ?? "";

  // Ben is told (in-app), and the missed call's history row shows the thumbnail with its length.
  await expect(ben.page.getByText(`${ana.displayName} left you a video message`)).toBeVisible({ timeout: 45_000 });
  await expect(ben.page.getByRole("link", { name: "Watch" })).toBeVisible();
  await snap(ben.page, testInfo, "callee-toast-390");
  const rows = await openHistory(ben.page);
  const thumb = rows.filter({ hasText: ana.displayName }).first().getByRole("link", { name: /^Video message, 0:0[4-6]$/ });
  await expect(thumb).toBeVisible();
  // the poster frame (a decorative <img> inside the named link) really loaded from the media route
  const poster = thumb.locator("img");
  await expect(poster).toHaveAttribute("src", new RegExp(`/api/media/messages/${messageId}/poster`));
  await expect.poll(() => poster.evaluate((img: HTMLImageElement) => img.naturalWidth), { message: "poster frame loads" }).toBeGreaterThan(0);
  await thumb.click();
  await expect(ben.page).toHaveURL(new RegExp(`/messages/${messageId}$`));

  // It plays, is 5 ± 1 s long, and seeks (Range requests).
  const video = ben.page.getByLabel("Video message", { exact: true });
  await expectPlaying(video);
  const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
  expect(duration).toBeGreaterThan(4);
  expect(duration).toBeLessThan(6);
  await expectSeeks(video, 3);
  await snap(ben.page, testInfo, "callee-message-390");
  const mediaUrl = `/api/media/messages/${messageId}`;
  expect(await mediaDurationSeconds(ben.page, mediaUrl)).toBeCloseTo(duration, 0);
  expect(messageFilesExist(messageId)).toBe(true);

  // Ben deletes it: gone for both, the media route answers 404 and the files are gone.
  await ben.page.getByRole("button", { name: "Delete", exact: true }).click();
  await ben.page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(ben.page).not.toHaveURL(new RegExp(`/messages/${messageId}$`));
  await expect.poll(async () => (await listMessages(ben.page)).some((m) => m.id === messageId)).toBe(false);
  await expect.poll(async () => (await listMessages(ana.page)).some((m) => m.id === messageId)).toBe(false);
  for (const page of [ana.page, ben.page]) {
    expect((await page.request.get(mediaUrl)).status()).toBe(404);
    expect((await page.request.get(`${mediaUrl}/poster`)).status()).toBe(404);
  }
  await expect.poll(() => messageFilesExist(messageId), { message: "the stored files are removed" }).toBe(false);
});

test("closing the recorder discards the take: nothing is sent", async ({ browser }) => {
  test.setTimeout(90_000);
  const [cy, dee] = await Promise.all([newPerson(browser, "Cy"), newPerson(browser, "Dee")]);
  people.push(cy, dee);
  await Promise.all([addContacts(cy, dee), addContacts(dee, cy)]);
  const uploads = watchUploadCreations(cy.page);
  await callFromContacts(cy, dee, "video");
  await incomingFrom(dee.page, cy).getByRole("button", { name: "Decline" }).click();
  await cy.page.getByRole("button", { name: "Record Video" }).click();
  await recordTake(cy.page, 2);
  await recorderDialog(cy.page).getByRole("button", { name: "Close", exact: true }).click();
  await expect(recorderDialog(cy.page)).toBeHidden();
  // back on the outcome screen, which still offers the message
  await expect(cy.page.getByRole("button", { name: "Record Video" })).toBeVisible();
  await expect.poll(() => uploads.length).toBe(1);
  await expect.poll(() => uploadFilesExist(uploads[0] ?? ""), { message: "the discarded upload is deleted" }).toBe(false);
  expect(await listMessages(cy.page)).toHaveLength(0);
  expect(await listMessages(dee.page)).toHaveLength(0);
});
