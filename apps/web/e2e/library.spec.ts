import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { snap } from "./helpers";
import { addContacts, callFromContacts, incomingFrom, newPerson, trpcMutation, trpcQuery, type Person } from "./helpers/calls";
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

type Item = { id: string; kind: string; stillUrl: string | null; clipUrl: string | null; mediaUrl: string | null };

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
