import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./chromium";
import { snap } from "./helpers";
import {
  addContacts,
  callFromContacts,
  expectAudioFlowing,
  expectVideoPlaying,
  incomingFrom,
  newPerson,
  remoteVideo,
  trpcMutation,
  trpcQuery,
  type Person,
} from "./helpers/calls";
import { expectPlaying, mediaDurationSeconds } from "./helpers/media";

/*
 * Call recording end to end: the recorder's browser composes both cameras, mixes both microphones
 * and streams the recording to the API while it records. Each person's fake microphone speaks a
 * sentence (espeak-ng) over a quiet beeping pilot tone of their own (440 Hz for the recorder, 1250 Hz
 * for the other side), so the stored file can be checked with ffmpeg for both voices: each pilot
 * tone's narrow band must stand well above a band neither uses. The tone beeps rather than hums
 * because WebRTC's noise suppression removes a steady tone within a second.
 */

const PHONE = { width: 390, height: 844 };
const TONE_A = 440;
const TONE_B = 1250;
/** a band between the two tones that only speech reaches */
const CONTROL = 800;

let workDir = "";
let voiceA = "";
let voiceB = "";

/** A looping 48 kHz mono WAV: `text` spoken over `toneHz` beeping (0.2 s every 0.6 s). */
function voice(text: string, voiceName: string, toneHz: number, name: string): string {
  const raw = join(workDir, `${name}-raw.wav`);
  const speech = join(workDir, `${name}-speech.wav`);
  const beep = join(workDir, `${name}-beep.wav`);
  const beeps = join(workDir, `${name}-beeps.wav`);
  const out = join(workDir, `${name}.wav`);
  execFileSync("espeak-ng", ["-v", voiceName, "-s", "150", "-w", raw, text]);
  execFileSync("sox", [raw, "-r", "48000", "-c", "1", "-b", "16", speech, "pad", "0.5", "0.5"]);
  const seconds = Number(execFileSync("soxi", ["-D", speech]).toString().trim());
  execFileSync("sox", ["-n", "-r", "48000", "-c", "1", "-b", "16", beep, "synth", "0.2", "sine", String(toneHz), "vol", "0.12", "fade", "t", "0.01", "0.2", "0.01", "pad", "0", "0.4"]);
  execFileSync("sox", [beep, beeps, "repeat", String(Math.ceil(seconds / 0.6))]);
  execFileSync("sox", ["-m", speech, beeps, out, "trim", "0", String(seconds)]);
  return out;
}

test.beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "rb-recording-"));
  voiceA = voice("Hello, this is Alex. I am recording our call so we remember the plan for the weekend trip to the lake.", "en-us", TONE_A, "alex");
  voiceB = voice("Hi Alex, Bea here. Sounds good, I will bring the tent, the map and some sandwiches for everyone.", "en-us+f3", TONE_B, "bea");
});
test.afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const browsers: Browser[] = [];
const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close().catch(() => {});
  for (const b of browsers.splice(0)) await b.close().catch(() => {});
});

/** A browser of its own whose fake microphone plays `wav` over and over. */
async function browserSpeaking(wav: string): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, `--use-file-for-fake-audio-capture=${wav}`] });
  browsers.push(browser);
  return browser;
}

async function allowRecordingInSettings(person: Person): Promise<void> {
  await person.page.goto("/settings");
  const toggle = person.page.getByRole("switch", { name: "Allow others to record calls with me" });
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
}

async function allowRecording(person: Person, allow: boolean): Promise<void> {
  await trpcMutation(person.page, "settings.update", { allowRecording: allow });
}

/** A video-calls B, B accepts with video; resolves once both see and hear each other. */
async function videoCall(a: Person, b: Person): Promise<void> {
  await callFromContacts(a, b, "video");
  await incomingFrom(b.page, a).getByRole("button", { name: "Accept with video" }).click();
  await expect(b.page).toHaveURL(/\/call\//);
  await Promise.all([expectVideoPlaying(remoteVideo(a.page, b)), expectVideoPlaying(remoteVideo(b.page, a))]);
  await Promise.all([expectAudioFlowing(a.page, b), expectAudioFlowing(b.page, a)]);
}

/** The call's id from the call page's address (/call/<id>?...). */
function callIdOf(page: Page): string {
  const id = /\/call\/([0-9a-f-]{36})/.exec(page.url())?.[1];
  expect(id, "on a call page").toBeTruthy();
  return id ?? "";
}

function recIndicator(page: Page) {
  return page.getByRole("status").filter({ hasText: "REC" });
}

/** Seconds on the REC pill's clock. */
async function recClock(page: Page): Promise<number> {
  const text = (await recIndicator(page).getByRole("timer").textContent()) ?? "0:00";
  const [m, s] = text.split(":").map(Number);
  return (m ?? 0) * 60 + (s ?? 0);
}

type Item = { id: string; kind: string; status: string; durationMs: number | null; mediaUrl: string | null; people: Array<{ id: string }>; stopReason: string | null };

/** The person's recordings, newest first (library.list). */
async function recordings(page: Page): Promise<Item[]> {
  const result = await trpcQuery<{ items: Item[] }>(page, "library.list", { filter: "recording" });
  return result.items;
}

/** Waits until the recording `id` is ready in the owner's Library and returns it. */
async function readyRecording(page: Page, id: string, timeout = 90_000): Promise<Item> {
  let found: Item | undefined;
  await expect
    .poll(
      async () => {
        found = (await recordings(page)).find((i) => i.id === id);
        return found?.status ?? "missing";
      },
      { timeout, intervals: [1_000], message: "the recording should become ready in the Library" },
    )
    .toBe("ready");
  if (!found) throw new Error("unreachable");
  return found;
}

/** Downloads an item's media as its owner and stores it in the work folder. */
async function download(page: Page, url: string, name: string): Promise<string> {
  const response = await page.request.get(url);
  expect(response.status(), `GET ${url}`).toBe(200);
  const file = join(workDir, name);
  writeFileSync(file, await response.body());
  return file;
}

function probeDuration(file: string): number {
  return Number(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]).toString().trim());
}

function videoSize(file: string): { width: number; height: number } {
  const [w, h] = execFileSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", file])
    .toString()
    .trim()
    .split(",")
    .map(Number);
  return { width: w ?? 0, height: h ?? 0 };
}

/** RMS level (dB) of the file's sound in a narrow band around `hz`, after the first second. */
function bandLevel(file: string, hz: number): number {
  const filter = `bandpass=f=${hz}:width_type=q:w=20,bandpass=f=${hz}:width_type=q:w=20,astats=measure_perchannel=none:measure_overall=RMS_level`;
  // ffmpeg reports on stderr
  const run = spawnSync("ffmpeg", ["-hide_banner", "-nostats", "-ss", "1", "-i", file, "-af", filter, "-f", "null", "-"], { encoding: "utf8" });
  expect(run.status, `ffmpeg on ${file}: ${run.stderr.slice(-400)}`).toBe(0);
  const match = /RMS level dB:\s*(-?[\d.]+|-inf)/.exec(run.stderr);
  return match?.[1] && match[1] !== "-inf" ? Number(match[1]) : -200;
}

/** Mean luma (0–255) of the left half of the frame at `seconds` (where the other person's camera is drawn). */
function remoteLuma(file: string, seconds: number): number {
  const run = spawnSync(
    "ffmpeg",
    ["-hide_banner", "-ss", String(seconds), "-i", file, "-frames:v", "1", "-vf", "crop=iw/2:ih/2:0:ih/4,signalstats,metadata=print:key=lavfi.signalstats.YAVG", "-f", "null", "-"],
    { encoding: "utf8" },
  );
  const match = /lavfi\.signalstats\.YAVG=([\d.]+)/.exec(run.stderr);
  return match?.[1] ? Number(match[1]) : 0;
}

async function shoot(pages: Array<{ page: Page; name: string }>, testInfo: TestInfo): Promise<void> {
  for (const { page, name } of pages) {
    const original = page.viewportSize();
    for (const size of [{ width: 1280, height: 800 }, PHONE]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(300);
      await snap(page, testInfo, `${name}-${size.width}`);
    }
    if (original) await page.setViewportSize(original);
  }
}

test("A records 10 s: both see REC and the notices; the recording has both voices and lasts 10 s", async ({}, testInfo) => {
  test.setTimeout(240_000);
  const [alexBrowser, beaBrowser] = await Promise.all([browserSpeaking(voiceA), browserSpeaking(voiceB)]);
  const [alex, bea] = await Promise.all([newPerson(alexBrowser, "Alex"), newPerson(beaBrowser, "Bea", PHONE)]);
  people.push(alex, bea);
  await addContacts(alex, bea);
  // recording is off by default: Alex turns it on in Settings, Bea through the API
  await allowRecordingInSettings(alex);
  await allowRecording(bea, true);

  await videoCall(alex, bea);
  const record = alex.page.getByRole("button", { name: "Record", exact: true });
  await expect(record).toBeVisible();
  await expect(record).not.toHaveAttribute("aria-disabled", "true");
  // nothing says REC before anyone records
  await expect(recIndicator(alex.page)).toHaveCount(0);
  await expect(recIndicator(bea.page)).toHaveCount(0);

  await record.click();
  await expect(recIndicator(alex.page)).toContainText("You're recording");
  await expect(recIndicator(bea.page)).toContainText(`${alex.displayName} is recording`);
  await expect(bea.page.getByText(`${alex.displayName} started recording this call`)).toBeVisible();
  const stop = alex.page.getByRole("button", { name: "Stop recording" });
  await expect(stop).toBeVisible();
  const { recording } = await trpcQuery<{ recording: { id: string; mine: boolean } | null }>(alex.page, "recordings.active", { callId: callIdOf(alex.page) });
  expect(recording?.mine).toBe(true);
  const recordingId = recording?.id ?? "";

  await expect.poll(() => recClock(alex.page), { timeout: 15_000, message: "the REC clock should run" }).toBeGreaterThanOrEqual(3);
  // Bea still sees it a few seconds in, with the clock moving
  await expect(recIndicator(bea.page)).toContainText(`${alex.displayName} is recording`);
  expect(await recClock(bea.page)).toBeGreaterThanOrEqual(2);
  // Alex presses Stop when the clock reads 0:10. The wait and the press happen inside the page: on a
  // busy machine Playwright's own checks before a click (they wait for animation frames) can take a
  // second, which would be counted as recording although no person would take that long.
  await stop.evaluate(async (button) => {
    const seconds = () => {
      const pill = [...document.querySelectorAll('[role="status"]')].find((el) => el.textContent?.includes("REC"));
      const [m, s] = (pill?.querySelector('[role="timer"]')?.textContent ?? "0:00").split(":").map(Number);
      return (m ?? 0) * 60 + (s ?? 0);
    };
    const since = Date.now();
    while (seconds() < 10) {
      if (Date.now() - since > 15_000) throw new Error("the REC clock never reached 0:10");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    (button as HTMLButtonElement).click();
  });

  await expect(recIndicator(alex.page)).toHaveCount(0, { timeout: 10_000 });
  await expect(recIndicator(bea.page)).toHaveCount(0, { timeout: 10_000 });
  await expect(bea.page.getByText(`${alex.displayName} stopped recording`)).toBeVisible();
  await expect(alex.page.getByRole("button", { name: "Record", exact: true })).toBeVisible();

  // In Alex's Library: ready, with Bea in it, 10 ± 1 s long as stored and as played
  const item = await readyRecording(alex.page, recordingId);
  expect(item.people.map((p) => p.id)).toEqual([bea.id]);
  expect(item.durationMs ?? 0).toBeGreaterThan(9_000);
  expect(item.durationMs ?? 0).toBeLessThan(11_000);
  expect(item.mediaUrl).toBeTruthy();
  const file = await download(alex.page, item.mediaUrl ?? "", "ten-seconds.webm");
  const seconds = probeDuration(file);
  expect(seconds, "the stored file's length").toBeGreaterThan(9);
  expect(seconds).toBeLessThan(11);
  expect(videoSize(file).width, "the recording has the composed picture").toBeGreaterThan(0);
  // Bea's camera (Chromium's fake one: a bright green picture) fills the frame, not black
  expect(remoteLuma(file, 5), "the other person's camera is in the picture").toBeGreaterThan(40);
  const played = await mediaDurationSeconds(alex.page, item.mediaUrl ?? "");
  expect(played, "the length the browser plays").toBeGreaterThan(9);
  expect(played).toBeLessThan(11);

  // both voices: each person's pilot tone stands well above a band only speech reaches
  const control = bandLevel(file, CONTROL);
  const toneA = bandLevel(file, TONE_A);
  const toneB = bandLevel(file, TONE_B);
  testInfo.annotations.push({ type: "audio bands (dB)", description: `alex ${TONE_A} Hz ${toneA}, bea ${TONE_B} Hz ${toneB}, control ${CONTROL} Hz ${control}` });
  expect(toneA - control, "Alex's voice (his own microphone) is in the recording").toBeGreaterThan(6);
  expect(toneB - control, "Bea's voice (the other side) is in the recording").toBeGreaterThan(6);

  // and it plays in a page
  await alex.page.goto("/calls");
  await alex.page.evaluate((src) => {
    const video = document.createElement("video");
    video.setAttribute("aria-label", "Recording check");
    video.src = src;
    video.muted = true;
    document.body.append(video);
  }, item.mediaUrl ?? "");
  await expectPlaying(alex.page.getByLabel("Recording check"));
});

test("someone who hasn't allowed recording: the record button is refused with the reason, until they allow it", async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const [alex, bea] = await Promise.all([newPerson(browser, "Alex"), newPerson(browser, "Bea")]);
  people.push(alex, bea);
  await addContacts(alex, bea);
  await allowRecording(alex, true);

  await videoCall(alex, bea);
  const record = alex.page.getByRole("button", { name: "Record", exact: true });
  const reason = `${bea.displayName} hasn't allowed recording`;
  await expect(record).toHaveAttribute("aria-disabled", "true");
  await expect(record).toHaveAccessibleDescription(reason);
  // a disabled-looking button still takes the press (Playwright's click would wait for it to be enabled)
  await record.click({ force: true });
  // the reason shows in a bubble above the button (as for the Live Photo shutter) and is announced
  await expect(alex.page.getByRole("tooltip").filter({ hasText: reason })).toBeVisible();
  await expect(alex.page.getByRole("alert").filter({ hasText: reason })).toHaveCount(1);
  // a second press a moment later shows it again
  await alex.page.waitForTimeout(2_500);
  await record.click({ force: true });
  await alex.page.mouse.move(0, 0);
  await alex.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await alex.page.waitForTimeout(2_500);
  await expect(alex.page.getByRole("tooltip").filter({ hasText: reason })).toBeVisible();
  await snap(alex.page, testInfo, "record-refused-1280");
  // nothing was recorded, nobody is told of a recording
  await expect(recIndicator(alex.page)).toHaveCount(0);
  await expect(recIndicator(bea.page)).toHaveCount(0);

  // Bea allows it during the call: Alex's button comes alive without a reload
  await allowRecording(bea, true);
  await expect(record).not.toHaveAttribute("aria-disabled", "true", { timeout: 10_000 });
  // and Bea withdrawing it again refuses it again
  await allowRecording(bea, false);
  await expect(record).toHaveAttribute("aria-disabled", "true", { timeout: 10_000 });
  await expect(record).toHaveAccessibleDescription(reason);
});

test("group call: C joins without allowing recording and the recording stops, with a notice to all", async ({ browser }, testInfo) => {
  test.setTimeout(200_000);
  const [alex, bea, cy] = await Promise.all([newPerson(browser, "Alex"), newPerson(browser, "Bea", PHONE), newPerson(browser, "Cy")]);
  people.push(alex, bea, cy);
  await addContacts(alex, bea, cy);
  await Promise.all([allowRecording(alex, true), allowRecording(bea, true)]);
  // Cy has not allowed recording (the default) and lets it ring long
  await trpcMutation(cy.page, "settings.update", { ringTimeoutSeconds: 60 });
  await cy.page.goto("/calls");

  await alex.page.goto("/contacts");
  await alex.page.getByRole("button", { name: "Call several" }).click();
  const picker = alex.page.getByRole("dialog", { name: "Call several people" });
  await picker.getByRole("checkbox", { name: bea.displayName }).check();
  await picker.getByRole("checkbox", { name: cy.displayName }).check();
  await picker.getByRole("button", { name: "Video" }).click();
  await expect(alex.page).toHaveURL(/\/call\//);
  await incomingFrom(bea.page, alex).getByRole("button", { name: "Accept with video" }).click();
  await Promise.all([expectVideoPlaying(remoteVideo(alex.page, bea)), expectVideoPlaying(remoteVideo(bea.page, alex))]);

  // Cy is still ringing (not in the call): Alex may record
  const record = alex.page.getByRole("button", { name: "Record", exact: true });
  await expect(record).not.toHaveAttribute("aria-disabled", "true");
  await record.click();
  await expect(recIndicator(bea.page)).toContainText(`${alex.displayName} is recording`);
  await expect.poll(() => recClock(alex.page), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);

  await incomingFrom(cy.page, alex).getByRole("button", { name: "Accept with video" }).click();
  await expect(cy.page).toHaveURL(/\/call\//);
  const notice = `Recording stopped: ${cy.displayName} joined and hasn't allowed recording`;
  await expect(alex.page.getByText(notice)).toBeVisible({ timeout: 15_000 });
  await expect(bea.page.getByText(notice)).toBeVisible({ timeout: 15_000 });
  await expect(recIndicator(alex.page)).toHaveCount(0);
  await expect(recIndicator(bea.page)).toHaveCount(0);
  await expect(recIndicator(cy.page)).toHaveCount(0);
  await expectVideoPlaying(remoteVideo(cy.page, alex));
  await snap(bea.page, testInfo, "recording-stopped-joiner-390");
  // recording again is refused now, naming Cy
  await expect(record).toHaveAttribute("aria-disabled", "true", { timeout: 10_000 });
  await expect(record).toHaveAccessibleDescription(`${cy.displayName} hasn't allowed recording`);
});

test("the recorder's tab is killed mid-recording: what was streamed is in the Library and plays", async ({}, testInfo) => {
  test.setTimeout(240_000);
  const [alexBrowser, beaBrowser] = await Promise.all([browserSpeaking(voiceA), browserSpeaking(voiceB)]);
  const [alex, bea] = await Promise.all([newPerson(alexBrowser, "Alex"), newPerson(beaBrowser, "Bea")]);
  people.push(alex, bea);
  await addContacts(alex, bea);
  await Promise.all([allowRecording(alex, true), allowRecording(bea, true)]);

  await videoCall(alex, bea);
  await alex.page.getByRole("button", { name: "Record", exact: true }).click();
  await expect(recIndicator(bea.page)).toContainText(`${alex.displayName} is recording`);
  const { recording } = await trpcQuery<{ recording: { id: string } | null }>(alex.page, "recordings.active", { callId: callIdOf(alex.page) });
  const recordingId = recording?.id ?? "";
  expect(recordingId).not.toBe("");
  await expect.poll(() => recClock(alex.page), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
  // the call screen while recording, as the recorder and the other person see it (both sizes)
  await shoot(
    [
      { page: alex.page, name: "recording-recorder" },
      { page: bea.page, name: "recording-other" },
    ],
    testInfo,
  );
  await expect.poll(() => recClock(alex.page), { timeout: 20_000, intervals: [200] }).toBeGreaterThanOrEqual(10);
  const recordedSeconds = await recClock(alex.page);

  // the renderer dies: no pagehide, no last chunk, no stop (the command itself never answers)
  const cdp = await alex.context.newCDPSession(alex.page);
  void cdp.send("Page.crash").catch(() => {});
  await expect.poll(() => alex.page.evaluate(() => 1).catch(() => "crashed"), { timeout: 10_000 }).toBe("crashed");

  // Bea stops seeing REC once the server notices Alex is gone (here the call ends with him)
  await expect(recIndicator(bea.page)).toHaveCount(0, { timeout: 60_000 });
  await snap(bea.page, testInfo, "recorder-gone-1280");

  // A new page of Alex's finds it in the Library, with what was streamed before the crash
  const again = await alex.context.newPage();
  await again.goto("/calls");
  const item = await readyRecording(again, recordingId, 120_000);
  // at most the last few seconds are lost (a chunk a second, sent about a second after the last)
  testInfo.annotations.push({ type: "kept of a crashed recording", description: `${item.durationMs ?? 0} ms of about ${recordedSeconds} s` });
  expect(item.durationMs ?? 0, "at most the last few seconds are lost").toBeGreaterThan((recordedSeconds - 4) * 1000);
  const file = await download(again, item.mediaUrl ?? "", "crashed.webm");
  expect(probeDuration(file)).toBeGreaterThan(recordedSeconds - 4);
  expect(bandLevel(file, TONE_B) - bandLevel(file, CONTROL), "Bea's voice is in what was kept").toBeGreaterThan(6);
  await again.evaluate((src) => {
    const video = document.createElement("video");
    video.setAttribute("aria-label", "Recording check");
    video.src = src;
    video.muted = true;
    document.body.append(video);
  }, item.mediaUrl ?? "");
  await expectPlaying(again.getByLabel("Recording check"));
});
