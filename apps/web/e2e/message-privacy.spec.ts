import { expect, test, type Page } from "@playwright/test";
import { snap } from "./helpers";
import { addContacts, callFromContacts, incomingFrom, newPerson, trpcMutation, trpcQuery, type Person } from "./helpers/calls";

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

const REFUSED = "You can't leave a message for this call.";

/** The call id of the call page the person is on. */
function callIdOf(page: Page): string {
  const id = /\/call\/([0-9a-f-]{36})/.exec(page.url())?.[1];
  expect(id, "on a call page").toBeTruthy();
  return id ?? "";
}

/** messages.begin sent by hand: status and the refusal's text and code. */
async function forgeBegin(page: Page, callId: string): Promise<{ status: number; message: string | undefined; code: string | undefined }> {
  const response = await page.request.post("/api/trpc/messages.begin", { data: { json: { callId } }, headers: { "content-type": "application/json" } });
  const body = (await response.json()) as { error?: { json?: { message?: string; data?: { code?: string } } } };
  return { status: response.status(), message: body.error?.json?.message, code: body.error?.json?.data?.code };
}

/** A tus creation for someone's message, as a script would send it. */
async function forgeUpload(page: Page, messageId: string): Promise<{ status: number; body: string }> {
  const metadata = `messageId ${Buffer.from(messageId).toString("base64")},filetype ${Buffer.from("video/webm").toString("base64")}`;
  const response = await page.request.post("/api/uploads", {
    headers: { "tus-resumable": "1.0.0", "upload-defer-length": "1", "upload-metadata": metadata },
  });
  return { status: response.status(), body: (await response.text()).trim() };
}

test("a stranger and a blocked caller get no message option, see the same screen, and are refused alike", async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const [bea, stranger, blocked, friend] = await Promise.all([
    newPerson(browser, "Bea"),
    newPerson(browser, "Sam"),
    newPerson(browser, "Xan"),
    newPerson(browser, "Fay"),
  ]);
  people.push(bea, stranger, blocked, friend);
  // Bea knows Xan and Fay (contacts) but not Sam; she blocks Xan and silences unknown callers, so
  // neither Sam's ring nor Xan's reaches her: both end as an unanswered call.
  await addContacts(bea, blocked, friend);
  await Promise.all([
    trpcMutation(bea.page, "blocked.add", { userId: blocked.id }),
    trpcMutation(bea.page, "settings.update", { silenceUnknownCallers: true }),
    addContacts(stranger, bea),
    addContacts(blocked, bea),
    addContacts(friend, bea),
  ]);

  await Promise.all([callFromContacts(stranger, bea, "video"), callFromContacts(blocked, bea, "video")]);
  const strangerCall = callIdOf(stranger.page);
  const blockedCall = callIdOf(blocked.page);

  // The control: Fay is known to Bea, who declines her; Fay is offered a video message.
  await callFromContacts(friend, bea, "video");
  await incomingFrom(bea.page, friend).getByRole("button", { name: "Decline" }).click();
  await expect(friend.page.getByRole("button", { name: "Record Video" })).toBeVisible();
  const friendCall = callIdOf(friend.page);
  const friendMessage = await trpcMutation<{ messageId: string }>(friend.page, "messages.begin", { callId: friendCall });

  // Sam and Xan: "No answer" after Bea's ring timeout, with Close and Call Again only.
  for (const caller of [stranger, blocked]) {
    await expect(caller.page.getByRole("status").filter({ hasText: /^No answer$/ })).toBeVisible({ timeout: 45_000 });
    const toolbar = caller.page.getByRole("toolbar", { name: "After the call" });
    await expect(toolbar).toBeVisible();
    expect(await toolbar.getByRole("button").evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label")))).toEqual(["Close", "Call Again"]);
    await expect(caller.page.getByRole("button", { name: /Record Video|Leave Voicemail/ })).toHaveCount(0);
  }
  await snap(stranger.page, testInfo, "stranger-outcome");
  await snap(blocked.page, testInfo, "blocked-outcome");

  // What each sees is the same: to the pixel (the outcome screen covers the app), and to the word
  // and role for a screen reader (but for their own name in the app's menu underneath). Nothing
  // tells Xan he is blocked.
  const [strangerPixels, blockedPixels] = await Promise.all([stranger.page.screenshot(), blocked.page.screenshot()]);
  expect(blockedPixels.equals(strangerPixels), "the two outcome screens look the same").toBe(true);
  // Next's route announcer (an alert) repeats the document title from whenever the last navigation
  // happened to read it ("Connecting…" or "Call · Ringback"): timing, not state. It is left out of
  // the tree, and the titles as they are now are compared instead.
  const tree = async (caller: Person) => {
    const announced = await caller.page.evaluate(
      () => document.querySelector("next-route-announcer")?.shadowRoot?.querySelector("[role=alert]")?.textContent ?? "",
    );
    return (await caller.page.locator("body").ariaSnapshot())
      .split("\n")
      .filter((line) => !announced || line.trim() !== `- alert: ${announced}`)
      .join("\n")
      .replaceAll(caller.displayName, "<me>")
      .replaceAll(caller.handle, "<me>");
  };
  expect(await blocked.page.title()).toBe(await stranger.page.title());
  const [strangerTree, blockedTree] = await Promise.all([tree(stranger), tree(blocked)]);
  expect(strangerTree).toContain(bea.displayName);
  expect(strangerTree).toContain('toolbar "After the call"');
  expect(blockedTree).toBe(strangerTree);

  // The API says the same to both: no offer, and a forged begin gets the same refusal.
  for (const [caller, callId] of [
    [stranger, strangerCall],
    [blocked, blockedCall],
  ] as const) {
    expect(await trpcQuery(caller.page, "messages.offer", { callId })).toEqual({ kind: null });
    expect(await forgeBegin(caller.page, callId)).toEqual({ status: 403, message: REFUSED, code: "FORBIDDEN" });
    // an upload for someone else's message (Fay's) does not exist for them
    expect(await forgeUpload(caller.page, friendMessage.messageId)).toEqual({ status: 404, body: "Not found" });
  }
  // Fay's own upload for it is accepted (the forged ones failed for who sent them, not how).
  expect((await forgeUpload(friend.page, friendMessage.messageId)).status).toBe(201);
});
