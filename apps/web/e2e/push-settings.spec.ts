import { createECDH, randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { signInViaUi, signUpViaUi, snap, uniqueUser } from "./helpers";

/*
 * Settings → Notifications on this device. pushManager.subscribe cannot succeed here (Playwright's
 * browser contexts are off-the-record profiles, where Chromium refuses push, and there is no network
 * to Google's push service anyway): the page must say so plainly. The
 * device list is covered with subscriptions made through the API, as a browser that can reach its
 * push service would send them. (The push itself, encrypted and signed, is covered by the API's
 * integration test against a local push service: apps/api/src/push.)
 */

/** A subscription as a browser makes it, sent from `page` (its session) to push.subscribe. */
async function subscribeThroughApi(page: Page, label: string): Promise<void> {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const input = {
    // a public address literal: accepted without DNS (none here); nothing is ever pushed to it in this test
    endpoint: `https://192.0.32.10/push/${randomBytes(8).toString("hex")}`,
    keys: { p256dh: ecdh.getPublicKey("base64url", "uncompressed"), auth: randomBytes(16).toString("base64url") },
    label,
  };
  const status = await page.evaluate(async (json) => {
    const response = await fetch("/api/trpc/push.subscribe", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json }),
    });
    return response.status;
  }, input);
  expect(status).toBe(200);
}

test.describe("push notifications in Settings", () => {
  test("turning on says clearly why the browser can't subscribe; devices are listed and removable", async ({ page, browser }, testInfo) => {
    const ana = uniqueUser("Ana");
    await page.context().grantPermissions(["notifications"]);
    await signUpViaUi(page, ana);
    await page.goto("/settings");
    const section = page.getByRole("region", { name: "Notifications on this device" });
    await expect(section.getByText("Off for this device")).toBeVisible();
    await expect(section.getByText("No device gets notifications yet.")).toBeVisible();

    await section.getByRole("button", { name: "Turn on" }).click();
    await expect(section.getByRole("alert")).toContainText(/This browser (doesn’t allow push notifications in this window|couldn’t reach its push service)/, {
      timeout: 30_000,
    });
    await expect(section.getByText("Off for this device")).toBeVisible();
    await expect(section.getByText("No device gets notifications yet.")).toBeVisible();
    await snap(page, testInfo, "push-settings-push-service-unreachable");
    await section.screenshot({ path: testInfo.outputPath("push-settings-unreachable-section.png") });

    // this browser, and the same person on a phone (another session)
    await subscribeThroughApi(page, "Chrome on Linux");
    const phone = await browser.newContext();
    const phonePage = await phone.newPage();
    await signInViaUi(phonePage, ana);
    await expect(phonePage).toHaveURL(/\/contacts/);
    await subscribeThroughApi(phonePage, "Chrome on Android");

    await page.reload();
    const devices = section.getByRole("list", { name: "Devices that get notifications" });
    await expect(devices.getByRole("listitem")).toHaveCount(2);
    const here = devices.getByRole("listitem").filter({ hasText: "Chrome on Linux" });
    await expect(here.getByText("This device")).toBeVisible();
    await expect(here.getByText("no notifications yet")).toBeVisible();
    await expect(devices.getByRole("listitem").filter({ hasText: "Chrome on Android" }).getByText("This device")).toHaveCount(0);
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: testInfo.outputPath("push-settings-1280.png") });
    await page.setViewportSize({ width: 390, height: 844 });
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: testInfo.outputPath("push-settings-390.png") });
    await snap(page, testInfo, "push-settings-phone-width");
    await page.setViewportSize({ width: 1280, height: 800 });

    await devices.getByRole("button", { name: "Remove Chrome on Android" }).click();
    await expect(page.getByText("Chrome on Android won’t get notifications any more.")).toBeVisible();
    await expect(devices.getByRole("listitem")).toHaveCount(1);
    // gone for the phone's own session too
    await phonePage.goto("/settings");
    const phoneDevices = phonePage.getByRole("region", { name: "Notifications on this device" });
    await expect(phoneDevices.getByRole("listitem").filter({ hasText: "Chrome on Linux" })).toBeVisible();
    await expect(phoneDevices.getByRole("listitem").filter({ hasText: "Chrome on Android" })).toHaveCount(0);

    await devices.getByRole("button", { name: "Remove Chrome on Linux (this device)" }).click();
    await expect(section.getByText("No device gets notifications yet.")).toBeVisible();
    await phone.close();
  });

  test("says when notifications are blocked in the browser", async ({ browser }, testInfo) => {
    const bo = uniqueUser("Bo");
    // a browser whose person refused notifications for the site
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await signUpViaUi(page, bo);
    await cdp.send("Browser.setPermission", {
      permission: { name: "notifications" },
      setting: "denied",
      origin: new URL(page.url()).origin,
    });
    await page.goto("/settings");
    const section = page.getByRole("region", { name: "Notifications on this device" });
    await expect(section.getByText("Blocked in browser settings")).toBeVisible();
    await expect(section.getByRole("button", { name: "Turn on" })).toHaveCount(0);
    await section.screenshot({ path: testInfo.outputPath("push-settings-blocked.png") });
    await context.close();
  });
});
