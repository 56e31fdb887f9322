import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, expect, test, type Browser, type Page } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./chromium";
import { snap } from "./helpers";
import { addContacts, callFromContacts, incomingFrom, newPerson, type Person } from "./helpers/calls";
import { inboundStats } from "./helpers/rtc-probe";

/*
 * Live Voicemail end to end: the caller's browser speaks a WAV made here with espeak-ng (Chromium's
 * fake microphone plays it), the real transcriber worker listens in the LiveKit room, and the
 * callee's open tab shows the words as they are spoken.
 */

const PHONE = { width: 390, height: 844 };

// Fixed sentences with words Whisper's tiny model gets right; "dinner" is what the callee looks for.
const SPEECH =
  "Hi, it's me. Are we still on for dinner tonight? I booked a table at the Italian place near the station. " +
  "Call me back when you get this, and bring the tickets for the concert on Friday.";

let workDir = "";
let spokenOnce = "";
let spokenLoop = "";

/** A 48 kHz mono 16-bit WAV of `text` with a second of silence before and after. */
function speak(text: string, name: string): string {
  const raw = join(workDir, `${name}-raw.wav`);
  const out = join(workDir, `${name}.wav`);
  execFileSync("espeak-ng", ["-v", "en-us", "-s", "150", "-w", raw, text]);
  execFileSync("sox", [raw, "-r", "48000", "-c", "1", "-b", "16", out, "pad", "1", "1"]);
  return out;
}

test.beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "rb-voicemail-"));
  spokenOnce = speak(SPEECH, "once");
  spokenLoop = speak(`${SPEECH} ${SPEECH}`, "loop");
});
test.afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const browsers: Browser[] = [];
const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
  for (const b of browsers.splice(0)) await b.close();
});

/** A browser whose fake microphone speaks `wav` (once with noLoop, else over and over). */
async function speakingBrowser(wav: string, noLoop: boolean): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, `--use-file-for-fake-audio-capture=${wav}${noLoop ? "%noloop" : ""}`],
  });
  browsers.push(browser);
  return browser;
}

/** A audio-calls B, B declines, A starts a voicemail; resolves when A's voicemail screen is up. */
async function leaveVoicemail(alex: Person, bea: Person): Promise<void> {
  await callFromContacts(alex, bea, "audio");
  await incomingFrom(bea.page, alex).getByRole("button", { name: "Decline" }).click();
  await alex.page.getByRole("button", { name: "Leave Voicemail" }).click();
  await expect(alex.page.getByRole("dialog", { name: "Voicemail" })).toBeVisible();
}

/**
 * Audio keeps arriving on `page` and carries sound. Polled rather than read once: right after a pick-up
 * the caller's voicemail connection stays in the room until their call screen has joined (so no word
 * is lost), and when it then leaves its inbound stream drops out of the page's totals.
 */
async function expectAudioArriving(page: Page, from: Person): Promise<void> {
  await expect
    .poll(
      async () => {
        const first = await inboundStats(page, "audio");
        await page.waitForTimeout(1_000);
        const second = await inboundStats(page, "audio");
        if (!first || !second) return "no audio track";
        if (second.bytesReceived <= first.bytesReceived) return "bytes not growing";
        return Math.max(second.totalAudioEnergy, second.audioLevel) > 0 ? "flowing" : "silent";
      },
      { timeout: 25_000, message: `audio from ${from.displayName}` },
    )
    .toBe("flowing");
}

/** The Live Voicemail card on the callee's page. */
function liveCard(page: Page) {
  return page.getByRole("dialog", { name: "Live Voicemail" });
}

test("the callee reads a voicemail while it is spoken, and the sent voicemail keeps its words", async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const alexBrowser = await speakingBrowser(spokenOnce, true);
  const [alex, bea] = await Promise.all([newPerson(alexBrowser, "Alex"), newPerson(browser, "Bea")]);
  people.push(alex, bea);
  await addContacts(alex, bea);
  await addContacts(bea, alex);
  await bea.page.goto("/calls");

  await leaveVoicemail(alex, bea);

  // Bea sees who it is and the words appear while Alex is still speaking (nothing is sent yet).
  const card = liveCard(bea.page);
  await expect(card).toBeVisible({ timeout: 15_000 });
  await expect(card).toContainText(`${alex.displayName} is leaving a voicemail`);
  const transcript = card.getByRole("region", { name: "Live transcript" });
  // (generous: the worker decodes on this machine's two cores, shared with everything else running)
  await expect(transcript).toContainText(/dinner/i, { timeout: 40_000 });
  await expect(alex.page.getByRole("dialog", { name: "Voicemail" })).toBeVisible();
  await snap(bea.page, testInfo, "live-voicemail-1280");
  await expect(card.getByRole("button", { name: "Pick Up" })).toBeEnabled();

  // Let Alex finish the sentences, then send.
  await expect(transcript).toContainText(/tickets|concert|Friday/i, { timeout: 45_000 });
  await alex.page.getByRole("button", { name: "Send Voicemail" }).click();
  await expect(card).toContainText("Voicemail ended", { timeout: 15_000 });
  await expect(card.getByRole("button", { name: "Pick Up" })).toHaveCount(0);
  await snap(bea.page, testInfo, "voicemail-ended-1280");

  // It becomes a message: the toast links to it, and its page has the final transcript.
  const toast = bea.page.getByText(`${alex.displayName} left you a voicemail`).first();
  await expect(toast).toBeVisible({ timeout: 60_000 });
  await bea.page.getByRole("link", { name: "Listen" }).first().click();
  await expect(bea.page).toHaveURL(/\/messages\/[0-9a-f-]{36}$/);
  await expect(bea.page.getByLabel("Voicemail", { exact: true })).toBeAttached();
  const final = bea.page.getByRole("region", { name: "Transcript" });
  await expect(final).toContainText(/dinner/i, { timeout: 60_000 });
  await expect(final).toContainText(/Italian/i);
  await expect(final).toContainText(/table/i);
  await expect(final.locator("span[data-start-ms]").first()).toBeVisible();
  await snap(bea.page, testInfo, "voicemail-page-1280");

  // Playing it highlights the words as they are heard.
  await bea.page.getByLabel("Voicemail", { exact: true }).evaluate((a: HTMLAudioElement) => {
    a.muted = true;
    return a.play();
  });
  await expect(final.locator('span[data-start-ms][aria-current="true"]')).toHaveCount(1, { timeout: 10_000 });
  await bea.page.waitForTimeout(2_000);
  await snap(bea.page, testInfo, "voicemail-playing-1280");

  // The history row of Alex's call carries it, and so does Alex's page, under Voicemails.
  await bea.page.goto("/calls");
  const row = bea.page.getByRole("list", { name: "Call history" }).getByRole("listitem").filter({ hasText: alex.displayName });
  await expect(row.getByRole("link", { name: /^Voicemail, 0:\d\d$/ })).toBeVisible();
  await snap(bea.page, testInfo, "history-voicemail-1280");
  await bea.page.setViewportSize(PHONE);
  await snap(bea.page, testInfo, "history-voicemail-390");
  await bea.page.goto(`/calls/person/${alex.id}`);
  await expect(bea.page.getByRole("region", { name: "Voicemails" }).getByRole("link", { name: /^Voicemail, 0:\d\d$/ })).toBeVisible();
  await snap(bea.page, testInfo, "person-voicemail-390");
});

test("Pick Up turns a voicemail being left into a live audio call, with sound both ways", async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const alexBrowser = await speakingBrowser(spokenLoop, false);
  const [alex, bea] = await Promise.all([newPerson(alexBrowser, "Alex"), newPerson(browser, "Bea", PHONE)]);
  people.push(alex, bea);
  await addContacts(alex, bea);
  await addContacts(bea, alex);
  await bea.page.goto("/contacts");

  await leaveVoicemail(alex, bea);
  const card = liveCard(bea.page);
  await expect(card.getByRole("region", { name: "Live transcript" })).toContainText(/still|dinner|tonight/i, { timeout: 40_000 });
  await snap(bea.page, testInfo, "live-voicemail-390");

  // A tab opened now never saw the voicemail start: it asks for it and shows the words said so far.
  const lateTab = await bea.context.newPage();
  await lateTab.goto("/calls");
  const lateCard = liveCard(lateTab);
  await expect(lateCard).toContainText(`${alex.displayName} is leaving a voicemail`, { timeout: 15_000 });
  await expect(lateCard.getByRole("region", { name: "Live transcript" })).toContainText(/still|dinner|tonight/i, { timeout: 15_000 });

  await card.getByRole("button", { name: "Pick Up" }).click();
  await expect(bea.page).toHaveURL(/\/call\/[0-9a-f-]{36}/);
  const callId = /\/call\/([0-9a-f-]{36})/.exec(bea.page.url())?.[1];
  // Alex's voicemail screen gives way to the call, no ring on either side.
  await expect(alex.page).toHaveURL(new RegExp(`/call/${callId}`), { timeout: 15_000 });
  await expect(alex.page.getByRole("dialog", { name: "Voicemail" })).toHaveCount(0);
  await expect(card).toHaveCount(0);
  // picked up in the other tab: this one's card goes too
  await expect(lateCard).toHaveCount(0);
  await lateTab.close();

  await expectAudioArriving(bea.page, alex);
  await expectAudioArriving(alex.page, bea);
  await snap(bea.page, testInfo, "picked-up-call-390");
});
