import { expect, test } from "@playwright/test";
import { snap } from "./helpers";
import {
  addContacts,
  callFromContacts,
  expectAudioFlowing,
  expectVideoPlaying,
  incomingFrom,
  newPerson,
  openHistory,
  remoteVideo,
  trpcMutation,
  watchForRings,
  type Person,
} from "./helpers/calls";

const PHONE = { width: 390, height: 844 };

// Every test creates its own people; each person is a separate browser context with a fake camera and mic.
const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

test("video call: both sides see and hear each other, mute shows, hang-up lands in history", async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const [ana, ben] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben", PHONE)]);
  people.push(ana, ben);
  await addContacts(ana, ben);

  await callFromContacts(ana, ben, "video");
  await expect(ana.page.getByRole("status").filter({ hasText: "Calling…" })).toBeVisible();

  const ring = incomingFrom(ben.page, ana);
  await expect(ring).toBeVisible();
  await expect(ring).toContainText("Video call");
  await snap(ana.page, testInfo, "caller-ringing-1280");
  await snap(ben.page, testInfo, "incoming-390");
  await ring.getByRole("button", { name: "Accept with video" }).click();
  await expect(ben.page).toHaveURL(/\/call\//);

  // Both pages: the other person's video is decoding frames and their audio arrives with sound in it.
  await Promise.all([expectVideoPlaying(remoteVideo(ana.page, ben)), expectVideoPlaying(remoteVideo(ben.page, ana))]);
  await Promise.all([expectAudioFlowing(ana.page, ben), expectAudioFlowing(ben.page, ana)]);
  await expect(ana.page.getByRole("button", { name: "End call" })).toBeVisible();
  await snap(ana.page, testInfo, "in-call-1280");
  await snap(ben.page, testInfo, "in-call-390");

  // Ana mutes: Ben sees her muted indicator; unmuting clears it.
  const mute = ana.page.getByRole("button", { name: "Mute", exact: true });
  await mute.click();
  await expect(mute).toHaveAttribute("aria-pressed", "true");
  await expect(ben.page.getByRole("img", { name: `${ana.displayName} is muted` })).toBeVisible();
  await snap(ben.page, testInfo, "muted-indicator-390");
  await mute.click();
  await expect(ben.page.getByRole("img", { name: `${ana.displayName} is muted` })).toBeHidden();

  // Ana hangs up: both leave the call and both histories show it with a duration.
  await ana.page.getByRole("button", { name: "End call" }).click();
  await expect(ana.page).toHaveURL(/\/calls$/);
  await expect(ben.page).toHaveURL(/\/calls$/, { timeout: 15_000 });
  for (const [viewer, other, direction] of [
    [ana, ben, "Outgoing"],
    [ben, ana, "Incoming"],
  ] as const) {
    const rows = await openHistory(viewer.page);
    const row = rows.filter({ hasText: other.displayName }).first();
    await expect(row).toContainText(new RegExp(`Video call · ${direction} · \\d+:\\d{2}`));
    await snap(viewer.page, testInfo, `history-${viewer === ana ? "1280" : "390"}`);
  }
});

test("declined, cancelled, unanswered and blocked calls each end the right way", async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const [caller1, callee1, caller2, callee2, caller3, callee3, caller4, callee4] = await Promise.all([
    newPerson(browser, "Dee"),
    newPerson(browser, "Dan"),
    newPerson(browser, "Cat"),
    newPerson(browser, "Cal"),
    newPerson(browser, "Nia", PHONE),
    newPerson(browser, "Ned", PHONE),
    newPerson(browser, "Bo"),
    newPerson(browser, "Bea"),
  ]);
  people.push(caller1, callee1, caller2, callee2, caller3, callee3, caller4, callee4);
  await Promise.all([
    addContacts(caller1, callee1),
    addContacts(caller2, callee2),
    addContacts(caller3, callee3),
    addContacts(caller4, callee4),
    trpcMutation(callee3.page, "settings.update", { ringTimeoutSeconds: 30 }),
    trpcMutation(callee4.page, "settings.update", { ringTimeoutSeconds: 30 }),
    trpcMutation(callee4.page, "blocked.add", { userId: caller4.id }),
  ]);

  // The two 30-second rings start first and run while the quick cases play out.
  const sawBlockedRing = await watchForRings(callee4.page);
  await callFromContacts(caller3, callee3, "audio");
  await callFromContacts(caller4, callee4, "audio");
  const ringsStartedAt = Date.now();
  await expect(incomingFrom(callee3.page, caller3)).toBeVisible();

  // Declined: the caller is told so and can call again or close.
  await callFromContacts(caller1, callee1, "video");
  await expect(incomingFrom(callee1.page, caller1)).toBeVisible();
  await snap(callee1.page, testInfo, "incoming-1280");
  await incomingFrom(callee1.page, caller1).getByRole("button", { name: "Decline" }).click();
  await expect(caller1.page.getByRole("status").filter({ hasText: /^Declined$/ })).toBeVisible();
  await snap(caller1.page, testInfo, "declined-1280");
  await expect(caller1.page.getByRole("button", { name: "Call Again" })).toBeVisible();
  await expect(incomingFrom(callee1.page, caller1)).toBeHidden();

  // Cancelled while ringing: the incoming view goes away on the callee's side.
  await callFromContacts(caller2, callee2, "video");
  await expect(incomingFrom(callee2.page, caller2)).toBeVisible();
  await caller2.page.getByRole("button", { name: "Cancel call" }).click();
  await expect(caller2.page).toHaveURL(/\/calls$/);
  await expect(incomingFrom(callee2.page, caller2)).toBeHidden();

  // Nobody answers: after the callee's 30 s ring timeout the caller sees "No answer".
  await expect(caller3.page.getByRole("status").filter({ hasText: /^No answer$/ })).toBeVisible({ timeout: 45_000 });
  await snap(caller3.page, testInfo, "no-answer-390");
  await expect(incomingFrom(callee3.page, caller3)).toBeHidden();
  expect(Date.now() - ringsStartedAt).toBeGreaterThan(20_000);

  // Blocked: the blocked caller hears the same "No answer"; the callee never saw a ring.
  await expect(caller4.page.getByRole("status").filter({ hasText: /^No answer$/ })).toBeVisible({ timeout: 20_000 });
  expect(await sawBlockedRing()).toBe(false);

  // Histories: the caller's "No answer", the callee's missed call (red, on the Missed tab too).
  const callerRows = await openHistory(caller3.page);
  await expect(callerRows.filter({ hasText: callee3.displayName }).first()).toContainText("Audio call · No answer");
  const calleeMissed = await openHistory(callee3.page, "Missed");
  const missedRow = calleeMissed.filter({ hasText: caller3.displayName }).first();
  await expect(missedRow).toContainText("Missed");
  await expect(missedRow).toHaveAttribute("data-missed", "true");
  await snap(callee3.page, testInfo, "history-missed-390");
  // Viewing the Calls page marks missed calls seen: the tab's badge goes away.
  await expect(callee3.page.getByRole("link", { name: /missed call/ })).toHaveCount(0);
  const declinedRows = await openHistory(callee1.page);
  await expect(declinedRows.filter({ hasText: caller1.displayName }).first()).toContainText("Declined");
  // The blocked call does not exist for the person who blocked.
  await callee4.page.goto("/calls");
  await expect(callee4.page.getByText("No calls yet")).toBeVisible();
});

test("group call: one answers, one declines, the two in the call see each other", async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const [ada, bob, cy] = await Promise.all([newPerson(browser, "Ada"), newPerson(browser, "Bob", PHONE), newPerson(browser, "Cy")]);
  people.push(ada, bob, cy);
  await addContacts(ada, bob, cy);

  await ada.page.goto("/contacts");
  await ada.page.getByRole("button", { name: "Call several" }).click();
  const picker = ada.page.getByRole("dialog", { name: "Call several people" });
  await picker.getByRole("checkbox", { name: bob.displayName }).check();
  await picker.getByRole("checkbox", { name: cy.displayName }).check();
  await picker.getByRole("button", { name: "Video" }).click();
  await expect(ada.page).toHaveURL(/\/call\//);

  const bobRing = incomingFrom(bob.page, ada);
  const cyRing = incomingFrom(cy.page, ada);
  await expect(bobRing).toContainText(`with ${cy.displayName}`);
  await bobRing.getByRole("button", { name: "Accept with video" }).click();
  await cyRing.getByRole("button", { name: "Decline" }).click();
  await expect(cyRing).toBeHidden();

  await Promise.all([expectVideoPlaying(remoteVideo(ada.page, bob)), expectVideoPlaying(remoteVideo(bob.page, ada))]);
  await expect(ada.page.getByRole("list", { name: "Not joining" })).toContainText(`${cy.displayName}: Declined`);
  // the title names who is in the call, not who declined
  await expect(ada.page.getByRole("heading", { level: 1 })).toHaveText(bob.displayName);
  await snap(ada.page, testInfo, "group-1280");
  await snap(bob.page, testInfo, "group-390");

  await bob.page.getByRole("button", { name: "End call" }).click();
  await expect(ada.page).toHaveURL(/\/calls$/, { timeout: 15_000 });

  const cyRows = await openHistory(cy.page);
  await expect(cyRows.filter({ hasText: ada.displayName }).first()).toContainText("Declined");
});

test("every open tab rings, answering in one stops the others; closing the tab ends an audio call through LiveKit's webhook", async ({ browser }, testInfo) => {
  test.setTimeout(90_000);
  const [ana, ben] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben")]);
  people.push(ana, ben);
  await addContacts(ana, ben);
  // Ben has a second tab open in the same browser profile (same session cookie)
  const benSecondTab = await ben.context.newPage();
  await benSecondTab.goto("/contacts");
  await expect(benSecondTab.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();

  await callFromContacts(ana, ben, "audio");
  const ringHere = incomingFrom(ben.page, ana);
  const ringThere = incomingFrom(benSecondTab, ana);
  await expect(ringHere).toBeVisible();
  await expect(ringThere).toBeVisible();
  await expect(ringThere).toContainText("Audio call");

  await ringThere.getByRole("button", { name: "Accept", exact: true }).click();
  await expect(benSecondTab).toHaveURL(/\/call\//);
  // the first tab stops ringing and stays where it was
  await expect(ringHere).toBeHidden();
  await expect(ben.page).toHaveURL(/\/contacts$/);

  // audio only: both sides show the other person's avatar and hear them
  await expect(ana.page.getByRole("button", { name: "End call" })).toBeVisible();
  await Promise.all([expectAudioFlowing(ana.page, ben), expectAudioFlowing(benSecondTab, ana)]);
  await expect(ana.page.locator("video")).toHaveCount(0);
  await snap(ana.page, testInfo, "audio-call-1280");
  // Ben closes the tab without hanging up: LiveKit's participant_left webhook ends the call for Ana
  await benSecondTab.close();
  await expect(ana.page).toHaveURL(/\/calls$/, { timeout: 20_000 });
  const rows = await openHistory(ana.page);
  await expect(rows.filter({ hasText: ben.displayName }).first()).toContainText(/Audio call · Outgoing · \d+:\d{2}/);
});

test("a dropped connection shows 'Reconnecting…' and the call comes back with video", async ({ browser }) => {
  test.setTimeout(90_000);
  const [ana, ben] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben")]);
  people.push(ana, ben);
  await addContacts(ana, ben);
  await callFromContacts(ana, ben, "video");
  await incomingFrom(ben.page, ana).getByRole("button", { name: "Accept with video" }).click();
  await expectVideoPlaying(remoteVideo(ana.page, ben));

  // Ana's network goes away: her page says so instead of freezing silently
  await ana.context.setOffline(true);
  await expect(ana.page.getByRole("status").filter({ hasText: "Reconnecting…" })).toBeVisible({ timeout: 20_000 });
  await ana.context.setOffline(false);
  await expect(ana.page.getByRole("status").filter({ hasText: "Reconnecting…" })).toBeHidden({ timeout: 30_000 });
  await expectVideoPlaying(remoteVideo(ana.page, ben));
  await expect(ana.page.getByRole("button", { name: "End call" })).toBeVisible();
});

test("a call that comes in during a call says accepting ends the current one, and does", async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const [ana, ben, cy] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben"), newPerson(browser, "Cy")]);
  people.push(ana, ben, cy);
  await addContacts(ben, ana, cy);
  await addContacts(ana, ben);
  await addContacts(cy, ben);

  await callFromContacts(ana, ben, "video");
  await incomingFrom(ben.page, ana).getByRole("button", { name: "Accept with video" }).click();
  await expectVideoPlaying(remoteVideo(ben.page, ana));

  await callFromContacts(cy, ben, "video");
  const second = incomingFrom(ben.page, cy);
  await expect(second).toContainText("Accepting ends your current call");
  await snap(ben.page, testInfo, "incoming-while-busy-1280");
  const firstCallId = new URL(ben.page.url()).pathname.split("/").at(-1) ?? "";
  expect(firstCallId).toMatch(/^[0-9a-f-]{36}$/);
  const leftFirstCall = ben.page.waitForRequest((r) => r.url().includes("calls.leave") && (r.postData() ?? "").includes(firstCallId), {
    timeout: 5_000,
  });
  await second.getByRole("button", { name: "End current call and accept with video" }).click();

  // Ana's call is over for both of them; Ben now talks to Cy. Ben's page leaves the old call itself,
  // so Ana hears at once rather than when LiveKit's webhook notices Ben is gone.
  await leftFirstCall;
  await expect(ana.page).toHaveURL(/\/calls$/, { timeout: 5_000 });
  await Promise.all([expectVideoPlaying(remoteVideo(ben.page, cy)), expectVideoPlaying(remoteVideo(cy.page, ben))]);
});

test("someone who takes no calls never rings, and the caller sees 'Unavailable' at once", async ({ browser }, testInfo) => {
  const [ana, ben] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben")]);
  people.push(ana, ben);
  await addContacts(ana, ben);
  await trpcMutation(ben.page, "settings.update", { acceptCalls: false });
  const benRang = await watchForRings(ben.page);

  await callFromContacts(ana, ben, "video");
  await expect(ana.page.getByRole("status").filter({ hasText: /^Unavailable$/ })).toBeVisible({ timeout: 5_000 });
  await snap(ana.page, testInfo, "unavailable-1280");
  expect(await benRang()).toBe(false);
  // Ben still learns that Ana tried, like a missed call while on Do Not Disturb
  const rows = await openHistory(ben.page, "Missed");
  await expect(rows.filter({ hasText: ana.displayName }).first()).toContainText("Missed");
});
