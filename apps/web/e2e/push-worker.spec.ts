import { expect, test, type BrowserContext } from "@playwright/test";
import { signUpViaUi, uniqueUser } from "./helpers";

/*
 * The service worker's push handler (public/sw-push.js, imported by /sw.js), fed real push events by
 * Chromium itself (DevTools' ServiceWorker.deliverPushMessage: the event a push service's message
 * becomes, minus the network and the decryption, which the API's integration test covers).
 */

type Shown = { title: string; body: string; tag: string; requireInteraction: boolean; url: string | undefined };

/** The notifications the worker is showing, read from a Ringback page opened for that (and closed again). */
async function shownNotifications(context: BrowserContext): Promise<Shown[]> {
  const reader = await context.newPage();
  try {
    await reader.goto("/settings");
    return await reader.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      const list = await registration.getNotifications();
      return list.map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        requireInteraction: n.requireInteraction,
        url: (n.data as { url?: string } | null)?.url,
      }));
    });
  } finally {
    await reader.close();
  }
}

test("the service worker shows a ring, replaces it with the missed call, closes a ring answered elsewhere, and stays quiet in front of an open Ringback", async ({
  page,
  context,
}) => {
  const bo = uniqueUser("Bo");
  await context.grantPermissions(["notifications"]);
  await signUpViaUi(page, bo);
  await page.goto("/settings");
  const origin = new URL(page.url()).origin;
  // the worker is registered by the app (src/pwa); wait until it is active
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

  // DevTools on a tab that is not Ringback's, so pushes can arrive with no Ringback window open
  const other = await context.newPage();
  await other.goto("about:blank");
  const cdp = await context.newCDPSession(other);
  const registrationId = new Promise<string>((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const ours = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
  });
  await cdp.send("ServiceWorker.enable");
  const id = await registrationId;
  const push = (message: object | string) =>
    cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId: id, data: typeof message === "string" ? message : JSON.stringify(message) });
  const callId = "6f9619ff-8b86-4d11-b42d-00c04fc964ff";
  const ring = { v: 1, kind: "ring", tag: `call-${callId}`, title: "Ana is calling", body: "Video call", url: `/call/${callId}`, callId };

  // an open, focused Ringback page rings by itself: no system notification
  expect(await page.evaluate(() => document.hasFocus())).toBe(true);
  await push(ring);
  await page.waitForTimeout(500);
  expect(await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).length)).toBe(0);

  // no Ringback window: the ring shows, and stays until dealt with
  await page.close();
  await push(ring);
  expect(await shownNotifications(context)).toEqual([
    { title: "Ana is calling", body: "Video call", tag: `call-${callId}`, requireInteraction: true, url: `/call/${callId}` },
  ]);

  // the ring ends unanswered: the same notification becomes the missed call
  await push({ ...ring, kind: "missed", title: "Missed call from Ana", url: "/calls" });
  expect(await shownNotifications(context)).toEqual([
    { title: "Missed call from Ana", body: "Video call", tag: `call-${callId}`, requireInteraction: false, url: "/calls" },
  ]);

  // a second ring, answered on another device: it closes here; the missed call stays
  const second = { ...ring, tag: "call-second", callId: "second", url: "/call/second", title: "Cy is calling" };
  await push(second);
  expect((await shownNotifications(context)).map((n) => n.title).sort()).toEqual(["Cy is calling", "Missed call from Ana"]);
  await push({ ...second, kind: "ring-over", body: "Answered" });
  expect((await shownNotifications(context)).map((n) => n.title)).toEqual(["Missed call from Ana"]);

  // a message, and a payload the worker doesn't understand still says where to look
  await push({ v: 1, kind: "message", tag: "message-m1", title: "New voicemail from Ana", body: "0:12", url: "/messages/m1", messageId: "m1" });
  await push("not json");
  expect((await shownNotifications(context)).map((n) => n.title).sort()).toEqual(["Missed call from Ana", "New voicemail from Ana", "Ringback"]);
});
