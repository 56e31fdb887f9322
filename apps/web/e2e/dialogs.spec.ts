import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type APIRequestContext, type Browser, type Locator, type Page } from "@playwright/test";
import { signUpAddress, signUpViaApi, snap, uniqueUser, type TestUser } from "./helpers";
import { addContacts, callFromContacts, incomingFrom, newPerson, trpcMutation, type Person } from "./helpers/calls";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

/** True when keyboard focus is on the dialog or something inside it. */
function focusIsInside(dialog: Locator): Promise<boolean> {
  return dialog.evaluate((el) => el.contains(document.activeElement));
}

/** Presses Tab (and then Shift+Tab) more times than the dialog has controls; focus must never leave it. */
async function expectTabTrapped(page: Page, dialog: Locator, presses = 8): Promise<void> {
  for (const key of ["Tab", "Shift+Tab"]) {
    for (let i = 0; i < presses; i++) {
      await page.keyboard.press(key);
      expect(await focusIsInside(dialog), `focus left the dialog after ${i + 1} × ${key}`).toBe(true);
    }
  }
}

/** Creates an account through the API (as the sign-up page does) and returns its id. */
async function signUpForId(request: APIRequestContext, user: TestUser): Promise<string> {
  const response = await request.post("/api/trpc/auth.signUp", { data: { json: user }, headers: { "content-type": "application/json", "x-forwarded-for": signUpAddress() } });
  expect(response.status(), await response.text()).toBe(200);
  const body = (await response.json()) as { result?: { data?: { json?: { id?: string } } } };
  const id = body.result?.data?.json?.id;
  if (!id) throw new Error("auth.signUp returned no id");
  return id;
}

/** A person with `count` contacts, made through the API (the UI for adding is covered elsewhere). */
async function personWithContacts(browser: Browser, request: APIRequestContext, size: { width: number; height: number }, count: number) {
  const me = await newPerson(browser, "Dia", size);
  people.push(me);
  const friends: TestUser[] = [];
  for (let i = 0; i < count; i++) {
    const friend = uniqueUser(["Maya", "Oliver", "Priya"][i % 3] ?? "Friend");
    await trpcMutation(me.page, "contacts.add", { userId: await signUpForId(request, friend) });
    friends.push(friend);
  }
  return { me, friends };
}

for (const [name, size] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  test(`a confirmation takes focus, keeps Tab inside, and Escape closes it without acting (${name})`, async ({ browser, request }, testInfo) => {
    const { me, friends } = await personWithContacts(browser, request, size, 1);
    const friend = friends[0];
    if (!friend) throw new Error("no friend made");
    const page = me.page;
    await page.goto("/contacts");
    const contacts = page.getByRole("region", { name: /My contacts/ });
    const blockButton = contacts.getByRole("button", { name: `Block ${friend.displayName}` });
    await blockButton.click();

    const dialog = page.getByRole("dialog", { name: `Block ${friend.displayName}?` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toHaveAttribute("aria-modal", "true");
    // the safe choice has focus, so Enter right away never blocks anyone
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await snap(page, testInfo, `confirm-${name}`);
    await expectTabTrapped(page, dialog);

    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(blockButton).toBeFocused();
    // nothing was blocked: the friend is still a contact and the blocked list is empty
    await expect(contacts.getByText(friend.displayName)).toBeVisible();
    await page.goto("/settings");
    await expect(page.getByText("No one is blocked")).toBeVisible();
  });

  test(`the group picker traps focus, closes on Escape and stops at the callee limit (${name})`, async ({ browser, request }, testInfo) => {
    test.setTimeout(90_000);
    const { me, friends } = await personWithContacts(browser, request, size, 9);
    const page = me.page;
    await page.goto("/contacts");
    const open = page.getByRole("button", { name: "Call several" });
    await open.click();
    const picker = page.getByRole("dialog", { name: "Call several people" });
    await expect(picker).toBeVisible();
    await expect.poll(() => focusIsInside(picker)).toBe(true);
    const boxes = picker.getByRole("checkbox");
    await expect(boxes).toHaveCount(9);
    for (let i = 0; i < 2; i++) await boxes.nth(i).check();
    await expect(picker.getByText("2 of 8 chosen")).toBeVisible();
    await snap(page, testInfo, `group-picker-${name}`);
    await expectTabTrapped(page, picker, 14);

    // eight is the most one call rings: the ninth box cannot be ticked
    for (let i = 2; i < 8; i++) await boxes.nth(i).check();
    await expect(picker.getByText("8 of 8 chosen")).toBeVisible();
    await expect(boxes.nth(8)).toBeDisabled();

    await page.keyboard.press("Escape");
    await expect(picker).toBeHidden();
    await expect(open).toBeFocused();
    // reopening starts over
    await open.click();
    await expect(picker.getByText("Nobody chosen yet")).toBeVisible();
    expect(friends).toHaveLength(9);
  });
}

test("an incoming call takes focus without pressing anything, keeps Tab inside and ignores Escape", async ({ browser }, testInfo) => {
  test.setTimeout(90_000);
  const [ana, ben] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben", PHONE)]);
  people.push(ana, ben);
  await addContacts(ana, ben);
  // Ben is typing in the search box when the call comes in
  const search = ben.page.getByLabel("Search people");
  await search.click();
  await search.pressSequentially("ma");

  await callFromContacts(ana, ben, "video");
  const ring = incomingFrom(ben.page, ana);
  await expect(ring).toBeVisible();
  await expect(ring).toHaveAttribute("aria-modal", "true");
  await expect(ring).toBeFocused();
  // a keystroke meant for the search box answers nothing and declines nothing
  await ben.page.keyboard.press("Space");
  await ben.page.keyboard.press("Enter");
  await ben.page.keyboard.press("Escape");
  await expect(ring).toBeVisible();
  await expect(ana.page.getByRole("status").filter({ hasText: "Calling…" })).toBeVisible();
  await snap(ben.page, testInfo, "incoming-phone");
  await expectTabTrapped(ben.page, ring, 5);

  await ring.getByRole("button", { name: "Decline" }).click();
  await expect(ring).toBeHidden();
  await expect(ana.page.getByRole("status").filter({ hasText: /^Declined$/ })).toBeVisible();

  // the same ring at desktop width, for the picture
  await ben.page.setViewportSize(DESKTOP);
  await callFromContacts(ana, ben, "audio");
  await expect(incomingFrom(ben.page, ana)).toBeVisible();
  await snap(ben.page, testInfo, "incoming-desktop");
  await incomingFrom(ben.page, ana).getByRole("button", { name: "Decline" }).click();
});

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

for (const [name, size] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  test(`a toast raised on the contacts page stays clear of the call controls (${name})`, async ({ browser, request }, testInfo) => {
    const caller = await newPerson(browser, "Tia", size);
    people.push(caller);
    const friend = uniqueUser("Uma");
    await signUpViaApi(request, friend);

    // adding a contact raises a toast; the call starts while it is still showing
    await caller.page.getByLabel("Search people").fill(friend.handle);
    await caller.page.getByRole("region", { name: "Search results" }).getByRole("button", { name: `Add ${friend.displayName}` }).click();
    const toast = caller.page.locator("[data-sonner-toast]").filter({ hasText: `${friend.displayName} added to your contacts` });
    await expect(toast).toBeVisible();
    await caller.page.getByRole("button", { name: "Clear search" }).click();
    await caller.page.getByRole("region", { name: /My contacts/ }).getByRole("button", { name: `Video call ${friend.displayName}`, exact: true }).click();
    await expect(caller.page).toHaveURL(/\/call\//);

    const controls = caller.page.getByRole("toolbar", { name: "Call controls" });
    await expect(controls).toBeVisible();
    // measured at once: the toast lives 4 s, and it is the first moments of the call that matter
    await expect(toast).toBeVisible();
    await snap(caller.page, testInfo, `toast-over-call-${name}`);
    const toastBox = await toast.boundingBox();
    // the call screen shows its controls at once and the stage's replace them once the call code
    // is in (call-shell.tsx): a box read during that swap is null, the next one is the stage's
    let controlsBox = await controls.boundingBox();
    if (!controlsBox) await expect.poll(async () => (controlsBox = await controls.boundingBox())).not.toBeNull();
    expect(toastBox).not.toBeNull();
    expect(controlsBox).not.toBeNull();
    if (!toastBox || !controlsBox) return;
    expect(overlaps(toastBox, controlsBox), `toast ${JSON.stringify(toastBox)} covers controls ${JSON.stringify(controlsBox)}`).toBe(false);
    await caller.page.getByRole("button", { name: "Cancel call" }).click();
    await expect(caller.page).toHaveURL(/\/calls$/);
  });
}

test("the production bundle carries no test hooks", async () => {
  const staticDir = fileURLToPath(new URL("../.next/static", import.meta.url));
  const files = (await readdir(staticDir, { recursive: true })).filter((f) => f.endsWith(".js"));
  expect(files.length, "no built JS found: build the web app first").toBeGreaterThan(0);
  const offenders: string[] = [];
  for (const file of files) {
    const text = await readFile(join(staticDir, file), "utf8");
    if (text.includes("__ringback")) offenders.push(file);
  }
  expect(offenders).toEqual([]);
});
