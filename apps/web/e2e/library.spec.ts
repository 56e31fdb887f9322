import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { snap } from "./helpers";
import { addContacts, callFromContacts, expectVideoPlaying, incomingFrom, newPerson, openHistory, remoteVideo, trpcMutation, trpcQuery, type Person } from "./helpers/calls";
import { expectPlaying, expectSeeks, listMessages, recordTake, recorderDialog, testMediaDir } from "./helpers/media";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

/** True while a Library item's stored files exist (LocalStorage keeps them under library/<id>). */
function itemFilesExist(itemId: string): boolean {
  return existsSync(join(testMediaDir, "store", "library", itemId));
}

/** `from` video-calls `to`, who declines; `from` records a take of about `seconds` and sends it. Returns the message id. */
async function leaveVideoMessage(from: Person, to: Person, seconds: number): Promise<string> {
  await callFromContacts(from, to, "video");
  await incomingFrom(to.page, from).getByRole("button", { name: "Decline" }).click();
  await from.page.getByRole("toolbar", { name: "After the call" }).getByRole("button", { name: "Record Video" }).click();
  await recordTake(from.page, seconds);
  const dialog = recorderDialog(from.page);
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Message sent" })).toBeVisible({ timeout: 20_000 });
  await dialog.getByRole("button", { name: "Close", exact: true }).click();
  const sent = (await listMessages(from.page, { withUserId: to.id })).filter((m) => m.direction === "sent");
  const id = sent[0]?.id ?? "";
  expect(id).not.toBe("");
  // the recipient has it once it is ready
  await expect.poll(async () => (await listMessages(to.page)).some((m) => m.id === id), { timeout: 45_000, message: "the message reaches its recipient" }).toBe(true);
  return id;
}

type Item = { id: string; kind: string; status: string; stillUrl: string | null; clipUrl: string | null; mediaUrl: string | null };

async function libraryItems(page: Page): Promise<Item[]> {
  return (await trpcQuery<{ items: Item[] }>(page, "library.list", { filter: "all", limit: 100 })).items;
}

/** Every URL a Library item could be fetched at, with and without download. */
function itemUrls(itemId: string): string[] {
  return ["still", "clip", "media"].flatMap((f) => [`/api/media/library/${itemId}/${f}`, `/api/media/library/${itemId}/${f}?download=1`]);
}

test("Library: a saved video message plays there, outlives the message, filters by tab and person, downloads, and is deleted with its files; nobody else can fetch it", async ({ browser }, testInfo) => {
  test.setTimeout(240_000);
  const [ana, ben, cy] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben"), newPerson(browser, "Cy")]);
  people.push(ana, ben, cy);
  await Promise.all([addContacts(ana, ben), addContacts(ben, ana, cy), addContacts(cy, ben)]);

  // Ana and Cy each leave Ben a video message.
  const fromAna = await leaveVideoMessage(ana, ben, 4);
  const fromCy = await leaveVideoMessage(cy, ben, 2);

  // Ben saves Ana's from the message page: the button becomes a link to the item.
  await ben.page.goto(`/messages/${fromAna}`);
  await ben.page.getByRole("button", { name: "Save to Library" }).click();
  const savedLink = ben.page.getByRole("link", { name: "Saved to Library" });
  await expect(savedLink).toBeVisible();
  await snap(ben.page, testInfo, "message-saved-1280");
  await savedLink.click();
  await expect(ben.page).toHaveURL(/\/library\/[0-9a-f-]{36}$/);
  const itemId = ben.page.url().split("/").at(-1) ?? "";
  await expect(ben.page.getByRole("heading", { level: 1, name: `Video message from ${ana.displayName}` })).toBeVisible();
  const video = ben.page.getByLabel("Video message", { exact: true });
  await expectPlaying(video);
  await expectSeeks(video, 2);
  expect(itemFilesExist(itemId)).toBe(true);

  // Saving twice (a second tab) is the same item; Cy's message saved too, from the API.
  expect((await trpcMutation<{ id: string }>(ben.page, "library.saveMessage", { messageId: fromAna })).id).toBe(itemId);
  const cyItem = (await trpcMutation<{ id: string }>(ben.page, "library.saveMessage", { messageId: fromCy })).id;

  // Ana deletes the message she sent: Ben's saved copy stays, whole, and still plays.
  await trpcMutation(ana.page, "messages.delete", { messageId: fromAna });
  await expect.poll(async () => (await listMessages(ben.page)).some((m) => m.id === fromAna)).toBe(false);
  await ben.page.reload();
  await expectPlaying(ben.page.getByLabel("Video message", { exact: true }));
  expect((await ben.page.request.get(`/api/media/library/${itemId}/media`)).status()).toBe(200);
  await snap(ben.page, testInfo, "library-item-video-1280");
  await ben.page.setViewportSize(PHONE);
  await snap(ben.page, testInfo, "library-item-video-390");
  await ben.page.setViewportSize(DESKTOP);

  // The Library page: storage, tabs, person filter, day groups.
  await ben.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Library" }).click();
  await expect(ben.page).toHaveURL(/\/library$/);
  await expect(ben.page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible();
  await expect(ben.page.getByText(/^[\d.]+ (KB|MB) of [\d.]+ (MB|GB) used$/)).toBeVisible();
  await expect(ben.page.getByRole("heading", { level: 2, name: "Today" })).toBeVisible();
  const anaLink = ben.page.getByRole("link", { name: new RegExp(`^Video message from ${ana.displayName}`) });
  const cyLink = ben.page.getByRole("link", { name: new RegExp(`^Video message from ${cy.displayName}`) });
  await expect(anaLink).toBeVisible();
  await expect(cyLink).toBeVisible();
  // the poster thumbnails really load from the Library's own files
  await expect.poll(() => anaLink.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth), { message: "poster loads" }).toBeGreaterThan(0);
  await snap(ben.page, testInfo, "library-1280");
  await ben.page.setViewportSize(PHONE);
  await snap(ben.page, testInfo, "library-390");
  await ben.page.setViewportSize(DESKTOP);

  await ben.page.getByRole("tab", { name: "Live Photos" }).click();
  await expect(ben.page.getByRole("tab", { name: "Live Photos" })).toHaveAttribute("aria-selected", "true");
  await expect(ben.page.getByText("No Live Photos yet")).toBeVisible();
  await expect(anaLink).toHaveCount(0);
  await ben.page.getByRole("tab", { name: "Recordings" }).click();
  await expect(ben.page.getByText("No recordings yet")).toBeVisible();
  await ben.page.getByRole("tab", { name: "Saved Messages" }).click();
  await expect(anaLink).toBeVisible();
  await expect(cyLink).toBeVisible();

  const person = ben.page.getByRole("combobox", { name: "Person" });
  await expect(person.locator("option")).toHaveText(["All people", ...[ana.displayName, cy.displayName].sort((x, y) => x.localeCompare(y))]);
  await person.selectOption({ label: cy.displayName });
  await expect(cyLink).toBeVisible();
  await expect(anaLink).toHaveCount(0);
  await person.selectOption({ label: "All people" });
  await expect(anaLink).toBeVisible();

  // Download: a readable name, the whole file.
  await anaLink.click();
  await expect(ben.page).toHaveURL(new RegExp(`/library/${itemId}$`));
  const downloadPromise = ben.page.waitForEvent("download");
  await ben.page.getByRole("link", { name: "Download" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^Video message from ${ana.displayName} \\d{4}-\\d\\d-\\d\\d \\d\\d-\\d\\d\\.webm$`));
  const downloaded = await stat((await download.path()) ?? "");
  expect(downloaded.size).toBe((await stat(join(testMediaDir, "store", "library", itemId, "media.webm"))).size);

  // Another person gets 404 for every URL of Ben's items, and for the procedures.
  for (const id of [itemId, cyItem]) {
    for (const url of itemUrls(id)) expect((await ana.page.request.get(url)).status(), url).toBe(404);
    const res = await ana.page.request.get(`/api/trpc/library.get?input=${encodeURIComponent(JSON.stringify({ json: { itemId: id } }))}`);
    expect(res.status()).toBe(404);
  }
  await ana.page.goto(`/library/${itemId}`);
  await expect(ana.page.getByRole("heading", { level: 1, name: "This isn’t in your Library" })).toBeVisible();

  // Delete: back to the Library, the file gone from storage, 404 for everyone (Ben too).
  await ben.page.getByRole("button", { name: "Delete", exact: true }).click();
  await ben.page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(ben.page).toHaveURL(/\/library$/);
  await expect(anaLink).toHaveCount(0);
  await expect(cyLink).toBeVisible();
  await expect.poll(() => itemFilesExist(itemId), { message: "the item's files are removed from storage" }).toBe(false);
  for (const page of [ben.page, ana.page, cy.page]) {
    for (const url of itemUrls(itemId)) expect((await page.request.get(url)).status(), url).toBe(404);
  }
  expect((await libraryItems(ben.page)).map((i) => i.id)).toEqual([cyItem]);
  expect(itemFilesExist(cyItem)).toBe(true);
});

/** Waits until `owner` has a ready item of `kind` and returns it. */
async function readyItem(page: Page, kind: "live-photo" | "recording", timeout = 60_000): Promise<Item> {
  let found: Item | undefined;
  await expect
    .poll(
      async () => {
        found = (await libraryItems(page)).find((i) => i.kind === kind && i.status === "ready");
        return found !== undefined;
      },
      { timeout, message: `a ready ${kind} in the Library` },
    )
    .toBe(true);
  if (!found) throw new Error("unreachable");
  return found;
}

test("Library: a Live Photo and a recording made in a call play there, the history says what was captured, and nobody else can fetch any of their files", async ({ browser }, testInfo) => {
  test.setTimeout(240_000);
  const [alex, bea] = await Promise.all([newPerson(browser, "Alex"), newPerson(browser, "Bea")]);
  people.push(alex, bea);
  await Promise.all([addContacts(alex, bea), addContacts(bea, alex)]);
  await Promise.all([trpcMutation(alex.page, "settings.update", { allowRecording: true }), trpcMutation(bea.page, "settings.update", { allowRecording: true })]);

  // Alex video-calls Bea; she answers.
  await callFromContacts(alex, bea, "video");
  await incomingFrom(bea.page, alex).getByRole("button", { name: "Accept with video" }).click();
  await expect(bea.page).toHaveURL(/\/call\//);
  await Promise.all([expectVideoPlaying(remoteVideo(alex.page, bea)), expectVideoPlaying(remoteVideo(bea.page, alex))]);

  // A Live Photo of Bea, then a few seconds of recording.
  const shutter = alex.page.getByRole("button", { name: "Take Live Photo" });
  await expect(shutter).not.toHaveAttribute("aria-disabled", "true", { timeout: 15_000 });
  // the camera's rolling buffer needs a moment before there is a clip around the press
  await alex.page.waitForTimeout(2_000);
  await shutter.click();
  const photo = await readyItem(alex.page, "live-photo");
  await alex.page.getByRole("button", { name: "Record", exact: true }).click();
  await expect(alex.page.getByRole("status").filter({ hasText: "REC" })).toBeVisible({ timeout: 15_000 });
  await alex.page.waitForTimeout(4_000);
  await alex.page.getByRole("button", { name: "Stop recording" }).click();
  const recording = await readyItem(alex.page, "recording", 90_000);
  await alex.page.getByRole("button", { name: "End call" }).click();

  // Alex's Library: both, named for Bea; each plays.
  await alex.page.goto("/library");
  const photoLink = alex.page.getByRole("link", { name: new RegExp(`^Live Photo of ${bea.displayName}`) });
  const recordingLink = alex.page.getByRole("link", { name: new RegExp(`^Recording with ${bea.displayName}`) });
  await expect(photoLink).toBeVisible();
  await expect(recordingLink).toBeVisible();
  await expect.poll(() => photoLink.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth), { message: "the still loads" }).toBeGreaterThan(0);
  await snap(alex.page, testInfo, "library-captures-1280");
  await alex.page.setViewportSize(PHONE);
  await snap(alex.page, testInfo, "library-captures-390");
  await alex.page.setViewportSize(DESKTOP);
  await alex.page.getByRole("tab", { name: "Live Photos" }).click();
  await expect(photoLink).toBeVisible();
  await expect(recordingLink).toHaveCount(0);
  await alex.page.getByRole("tab", { name: "All" }).click();

  // The Live Photo: the still, and the clip plays on hover and from the keyboard.
  await photoLink.click();
  const still = alex.page.getByRole("img", { name: `Live Photo of ${bea.displayName}` });
  await expect(still).toBeVisible();
  await expect.poll(() => still.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const clip = alex.page.getByLabel("Live Photo clip", { exact: true });
  await expect.poll(() => clip.evaluate((v: HTMLVideoElement) => v.readyState), { message: "clip loads" }).toBeGreaterThanOrEqual(2);
  await snap(alex.page, testInfo, "library-live-photo-1280");
  // from outside the photo: the click that opened it may have left the pointer over it already
  await alex.page.mouse.move(0, 0);
  await still.hover();
  await expect.poll(() => clip.evaluate((v: HTMLVideoElement) => v.currentTime), { message: "the clip plays on hover" }).toBeGreaterThan(0.2);
  await alex.page.mouse.move(0, 0);
  await expect.poll(() => clip.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
  const live = alex.page.getByRole("button", { name: "Play Live Photo" });
  await live.focus();
  await alex.page.keyboard.down("Space");
  await expect(live).toHaveAttribute("aria-pressed", "true");
  await expect.poll(() => clip.evaluate((v: HTMLVideoElement) => !v.paused && v.currentTime > 0.1), { message: "the clip plays from the keyboard" }).toBe(true);
  await alex.page.keyboard.up("Space");
  await alex.page.setViewportSize(PHONE);
  await snap(alex.page, testInfo, "library-live-photo-390");
  await alex.page.setViewportSize(DESKTOP);

  // The recording: plays and seeks.
  await alex.page.goto(`/library/${recording.id}`);
  const video = alex.page.getByLabel("Recording", { exact: true });
  await expectPlaying(video);
  await expectSeeks(video, 2);
  await snap(alex.page, testInfo, "library-recording-1280");
  await alex.page.setViewportSize(PHONE);
  await snap(alex.page, testInfo, "library-recording-390");
  await alex.page.setViewportSize(DESKTOP);

  // The call history says what was captured, to both of them.
  const alexRows = await openHistory(alex.page);
  await expect(alexRows.filter({ hasText: bea.displayName }).first().getByText("You took a Live Photo")).toBeVisible();
  await expect(alexRows.filter({ hasText: bea.displayName }).first().getByRole("link", { name: "You recorded this call" })).toHaveAttribute("href", `/library/${recording.id}`);
  await snap(alex.page, testInfo, "history-captures-1280");
  const beaRows = await openHistory(bea.page);
  await expect(beaRows.filter({ hasText: alex.displayName }).first().getByText(`${alex.displayName} took a Live Photo of you`)).toBeVisible();
  await expect(beaRows.filter({ hasText: alex.displayName }).first().getByText(`${alex.displayName} recorded this call`)).toBeVisible();

  // Bea was in both, but they are Alex's: every one of their files is a 404 for her.
  for (const item of [photo, recording]) {
    for (const url of itemUrls(item.id)) expect((await bea.page.request.get(url)).status(), url).toBe(404);
  }
  for (const url of [photo.stillUrl, photo.clipUrl, recording.mediaUrl, recording.stillUrl]) {
    expect(url).not.toBeNull();
    expect((await alex.page.request.get(url ?? "")).status(), url ?? "").toBe(200);
  }

  // Deleting the Live Photo removes its still and clip from storage.
  await alex.page.goto(`/library/${photo.id}`);
  await alex.page.getByRole("button", { name: "Delete", exact: true }).click();
  await alex.page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(alex.page).toHaveURL(/\/library$/);
  await expect.poll(() => itemFilesExist(photo.id), { message: "the Live Photo's files are removed" }).toBe(false);
  for (const url of itemUrls(photo.id)) expect((await alex.page.request.get(url)).status(), url).toBe(404);
  expect(itemFilesExist(recording.id)).toBe(true);
});
