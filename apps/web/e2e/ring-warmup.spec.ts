import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { snap } from "./helpers";
import { addContacts, callFromContacts, expectVideoPlaying, incomingFrom, newPerson, remoteVideo, type Person } from "./helpers/calls";

/*
 * While a video call rings, the callee's camera opens (the ring screen shows the person's own
 * preview), and Accept opens the microphone alongside connecting. What a person must be able to rely
 * on: no microphone before Accept, the camera stops when the ring ends any way but Accept, nothing
 * leaves the browser before Accept (no peer connection at all), and the call carries that very camera.
 */

const PHONE = { width: 390, height: 844 };

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

type TrackWindow = Window & { __e2eTracks?: MediaStreamTrack[]; __e2ePeerConnections?: RTCPeerConnection[] };

/** Remembers every track getUserMedia hands the app (an init script: nothing of it ships). */
async function trackDevices(context: BrowserContext, page: Page): Promise<void> {
  await context.addInitScript(() => {
    const w = window as TrackWindow;
    const devices = navigator.mediaDevices;
    if (!devices || w.__e2eTracks) return;
    const tracks: MediaStreamTrack[] = [];
    w.__e2eTracks = tracks;
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      tracks.push(...stream.getTracks());
      return stream;
    };
  });
  await page.goto("/calls");
}

const deviceTracks = (page: Page) =>
  page.evaluate(() => ((window as TrackWindow).__e2eTracks ?? []).map((t) => ({ kind: t.kind, state: t.readyState })));
const peerConnections = (page: Page) => page.evaluate(() => ((window as TrackWindow).__e2ePeerConnections ?? []).length);

async function expectPreviewPlaying(page: Page, caller: Person): Promise<void> {
  const preview = incomingFrom(page, caller).locator("video");
  await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.videoWidth), { message: "the ring shows the callee's own camera" }).toBeGreaterThan(0);
}

test("a ringing video call shows the callee's own camera; declining stops it, and nothing is sent before Accept", async ({ browser }, testInfo) => {
  const [caller, callee] = await Promise.all([newPerson(browser, "Vera"), newPerson(browser, "Viktor")]);
  people.push(caller, callee);
  await addContacts(caller, callee);
  await trackDevices(callee.context, callee.page);

  await callFromContacts(caller, callee, "video");
  await expect(incomingFrom(callee.page, caller)).toBeVisible();
  await expectPreviewPlaying(callee.page, caller);
  // the camera for the preview, never the microphone before Accept
  expect((await deviceTracks(callee.page)).map((t) => `${t.kind}:${t.state}`)).toEqual(["video:live"]);
  expect(await peerConnections(callee.page), "no connection to LiveKit before Accept").toBe(0);
  await snap(callee.page, testInfo, "incoming-preview-1280");

  await incomingFrom(callee.page, caller).getByRole("button", { name: "Decline" }).click();
  await expect(incomingFrom(callee.page, caller)).toBeHidden();
  await expect.poll(() => deviceTracks(callee.page), { message: "declining stops the camera" }).toEqual([{ kind: "video", state: "ended" }]);
  expect(await peerConnections(callee.page)).toBe(0);
});

test("a ring the caller cancels stops the callee's camera; an accepted one carries the ring's camera into the call", async ({ browser }, testInfo) => {
  const [caller, callee] = await Promise.all([newPerson(browser, "Rosa"), newPerson(browser, "Remy", PHONE)]);
  people.push(caller, callee);
  await addContacts(caller, callee);
  await trackDevices(callee.context, callee.page);

  await callFromContacts(caller, callee, "video");
  await expect(incomingFrom(callee.page, caller)).toBeVisible();
  await expectPreviewPlaying(callee.page, caller);
  await snap(callee.page, testInfo, "incoming-preview-390");
  await caller.page.getByRole("button", { name: "Cancel call" }).click();
  await expect(incomingFrom(callee.page, caller)).toBeHidden();
  await expect.poll(async () => (await deviceTracks(callee.page)).every((t) => t.state === "ended"), { message: "a cancelled ring stops the devices" }).toBe(true);
  const before = (await deviceTracks(callee.page)).length;

  await caller.page.waitForURL(/\/calls$/);
  await callFromContacts(caller, callee, "video");
  await expectPreviewPlaying(callee.page, caller);
  expect(await peerConnections(callee.page)).toBe(0);
  await incomingFrom(callee.page, caller).getByRole("button", { name: "Accept with video" }).click();
  await expectVideoPlaying(remoteVideo(caller.page, callee));
  // the call publishes the camera the ring opened and the microphone Accept opened: nothing else
  const opened = (await deviceTracks(callee.page)).slice(before);
  expect(opened.map((t) => `${t.kind}:${t.state}`).sort()).toEqual(["audio:live", "video:live"]);

  await caller.page.getByRole("button", { name: "End call" }).click();
  await expect(callee.page).toHaveURL(/\/calls$/, { timeout: 15_000 });
  await expect.poll(async () => (await deviceTracks(callee.page)).every((t) => t.state === "ended"), { message: "the call's end stops them" }).toBe(true);
});
