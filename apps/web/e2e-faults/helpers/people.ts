import { expect, type Browser } from "@playwright/test";
import { addContacts, newPerson, type Person } from "../../e2e/helpers/calls";
import { inboundStats } from "../../e2e/helpers/rtc-probe";

/** Two people who have each other as contacts, each in their own browser context. */
export async function twoContacts(browser: Browser, a: string, b: string): Promise<[Person, Person]> {
  const [x, y] = await Promise.all([newPerson(browser, a), newPerson(browser, b)]);
  await addContacts(x, y);
  await addContacts(y, x);
  return [x, y];
}

/** This person's session cookie, for a plain client (a raw event stream, a direct API call). */
export async function cookieOf(person: Person): Promise<string> {
  const cookies = (await person.context.cookies()).filter((c) => c.name.includes("session-token"));
  expect(cookies, "a session cookie").not.toHaveLength(0);
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

type Totals = { frames: number; energy: number; videoBytes: number; audioBytes: number };

async function totals(person: Person): Promise<Totals> {
  const [video, audio] = await Promise.all([inboundStats(person.page, "video"), inboundStats(person.page, "audio")]);
  return {
    frames: video?.framesDecoded ?? 0,
    videoBytes: video?.bytesReceived ?? 0,
    energy: audio?.totalAudioEnergy ?? 0,
    audioBytes: audio?.bytesReceived ?? 0,
  };
}

/**
 * True when, over `windowMs`, the page decoded new remote video frames and received remote audio
 * that carries sound (the fake microphone beeps): read from WebRTC's getStats, not from the UI.
 */
export async function mediaFlows(person: Person, opts: { video: boolean; windowMs?: number } = { video: true }): Promise<boolean> {
  const before = await totals(person);
  await person.page.waitForTimeout(opts.windowMs ?? 1_000);
  const after = await totals(person);
  const audio = after.audioBytes > before.audioBytes && after.energy > before.energy;
  const video = !opts.video || after.frames - before.frames >= 5;
  return audio && video;
}

/** Waits until media flows to `person` again; returns how long that took. */
export async function waitForMedia(person: Person, what: string, opts: { video: boolean; timeoutMs?: number } = { video: true }): Promise<number> {
  const started = Date.now();
  await expect
    .poll(() => mediaFlows(person, { video: opts.video, windowMs: 800 }), { timeout: opts.timeoutMs ?? 30_000, intervals: [0], message: what })
    .toBe(true);
  return Date.now() - started;
}
