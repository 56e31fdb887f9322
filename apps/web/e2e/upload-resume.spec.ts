import { expect, test } from "@playwright/test";
import { addContacts, callFromContacts, incomingFrom, newPerson, type Person } from "./helpers/calls";
import { listMessages, mediaDurationSeconds, recordTake, recorderDialog, watchUploadCreations } from "./helpers/media";

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

test("the network drops mid-recording: the upload resumes where it was and the message arrives whole", async ({ browser }) => {
  test.setTimeout(150_000);
  const [ana, ben] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben")]);
  people.push(ana, ben);
  await Promise.all([addContacts(ana, ben), addContacts(ben, ana)]);

  const creations = watchUploadCreations(ana.page);
  const failed: string[] = [];
  const resumes: string[] = [];
  const patches: { offset: number; status: number }[] = [];
  ana.page.on("requestfailed", (request) => {
    if (new URL(request.url()).pathname.startsWith("/api/uploads")) failed.push(`${request.method()} ${request.failure()?.errorText ?? ""}`);
  });
  ana.page.on("response", (response) => {
    const request = response.request();
    if (!new URL(request.url()).pathname.startsWith("/api/uploads/")) return;
    if (request.method() === "HEAD") resumes.push(response.headers()["upload-offset"] ?? "");
    if (request.method() === "PATCH") patches.push({ offset: Number(request.headers()["upload-offset"]), status: response.status() });
  });

  await callFromContacts(ana, ben, "video");
  await incomingFrom(ben.page, ana).getByRole("button", { name: "Decline" }).click();
  await ana.page.getByRole("button", { name: "Record Video" }).click();

  // ~16 s of recording; the browser is offline from second 4 to second 11 of it. The recording
  // itself goes on (the clock keeps running) while every upload request fails.
  let offlineFor = 0;
  const reading = await recordTake(ana.page, 16, async (second) => {
    if (second === 4) {
      await ana.context.setOffline(true);
      offlineFor = Date.now();
    }
    if (second === 11) {
      await ana.context.setOffline(false);
      offlineFor = Date.now() - offlineFor;
    }
  });
  expect(offlineFor).toBeGreaterThan(5_000);
  const dialog = recorderDialog(ana.page);
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Message sent" })).toBeVisible({ timeout: 30_000 });

  // The drop really hit the upload, which then asked the server where it stood and went on from
  // there: one upload, never started over, its PATCHes at increasing offsets.
  expect(failed.length, "upload requests failed while offline").toBeGreaterThan(0);
  expect(resumes.length, "the upload resumed with a HEAD").toBeGreaterThan(0);
  expect(creations).toHaveLength(1);
  const accepted = patches.filter((p) => p.status === 204).map((p) => p.offset);
  expect(accepted[0]).toBe(0);
  expect(accepted).toEqual([...accepted].sort((a, b) => a - b));

  // The message reaches Ben complete: its length is the length recorded.
  const recordedSeconds = Number(reading.split(":")[1]);
  await expect
    .poll(async () => (await listMessages(ben.page, { withUserId: ana.id })).length, { timeout: 45_000, message: "the message becomes ready for Ben" })
    .toBe(1);
  const [message] = await listMessages(ben.page, { withUserId: ana.id });
  expect(message?.durationMs ?? 0).toBeGreaterThan((recordedSeconds - 1.5) * 1000);
  expect(message?.durationMs ?? 0).toBeLessThan((recordedSeconds + 1.5) * 1000);
  // and the file itself plays that long (every second of it is there, the middle too)
  const seconds = await mediaDurationSeconds(ben.page, message?.mediaUrl ?? "");
  expect(seconds).toBeGreaterThan(recordedSeconds - 1.5);
  expect(seconds).toBeLessThan(recordedSeconds + 1.5);
});
