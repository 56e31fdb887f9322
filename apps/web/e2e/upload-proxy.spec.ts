import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { addContacts, callFromContacts, incomingFrom, newPerson, trpcMutation, type Person } from "./helpers/calls";
import { listMessages } from "./helpers/media";

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

// The web origin's upload route must stream a PATCH to the API whatever its size. A rewrite or the
// request proxy makes Next buffer bodies up to 10 MB and cut the rest, and the upload then stalls
// until it times out.
test("a 20 MB upload request goes through the web origin whole and gets the API's answer", async ({ browser }) => {
  test.setTimeout(120_000);
  const [ana, bea] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Bea")]);
  people.push(ana, bea);
  await Promise.all([addContacts(ana, bea), addContacts(bea, ana)]);
  await callFromContacts(ana, bea, "video");
  await incomingFrom(bea.page, ana).getByRole("button", { name: "Decline" }).click();
  await expect(ana.page.getByRole("button", { name: "Record Video" })).toBeVisible();
  const callId = /\/call\/([0-9a-f-]{36})/.exec(ana.page.url())?.[1] ?? "";
  const { messageId } = await trpcMutation<{ messageId: string }>(ana.page, "messages.begin", { callId });

  const size = 20 * 1024 * 1024;
  const metadata = `messageId ${Buffer.from(messageId).toString("base64")},filetype ${Buffer.from("video/webm").toString("base64")}`;
  const created = await ana.page.request.post("/api/uploads", {
    headers: { "tus-resumable": "1.0.0", "upload-length": String(size), "upload-metadata": metadata },
  });
  expect(created.status()).toBe(201);
  const location = created.headers()["location"] ?? "";
  expect(location).toMatch(/^\/api\/uploads\/[\w-]+$/);

  // 20 MB that are not a recording: the API takes them all, then refuses them by content.
  const started = Date.now();
  const patched = await ana.page.request.patch(location, {
    headers: { "tus-resumable": "1.0.0", "upload-offset": "0", "content-type": "application/offset+octet-stream" },
    data: randomBytes(size),
    timeout: 60_000,
  });
  expect(patched.status()).toBe(415);
  expect(await patched.text()).toContain("That file is not a playable recording");
  expect(Date.now() - started).toBeLessThan(30_000);
  // refused: nothing is left of it
  expect((await listMessages(ana.page)).some((m) => m.id === messageId)).toBe(false);
});
