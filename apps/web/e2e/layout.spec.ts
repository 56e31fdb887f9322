import { expect, test, type Page } from "@playwright/test";
import { signUpViaApi, signUpViaUi, uniqueUser } from "./helpers";

const WIDTHS = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 800 },
] as const;

/** Nothing may stick out sideways: a page that scrolls horizontally on a phone is broken. */
async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "page is wider than the viewport").toBeLessThanOrEqual(0);
}

for (const size of WIDTHS) {
  test(`every page fits and reads well at ${size.width}px`, async ({ page, request }, testInfo) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    const shot = async (name: string) => {
      await expectNoHorizontalScroll(page);
      // Let confirmation toasts time out so they don't cover the page in the picture (a pointer
      // resting over them pauses their timers, so move it out of the way first).
      await page.mouse.move(size.width / 2, size.height / 2);
      await expect(page.locator("[data-sonner-toast]")).toHaveCount(0, { timeout: 15_000 });
      const path = testInfo.outputPath(`${size.name}-${name}.png`);
      await page.screenshot({ path, fullPage: true });
      await testInfo.attach(`${size.name}-${name}`, { path, contentType: "image/png" });
    };

    await page.goto("/signin");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await shot("signin");
    await page.goto("/signup");
    await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
    await shot("signup");

    const friends = [uniqueUser("Maya"), uniqueUser("Oliver"), uniqueUser("Priya")];
    for (const friend of friends) await signUpViaApi(request, friend);
    const me = uniqueUser("Sam");
    await signUpViaUi(page, me);
    await shot("contacts-empty");

    for (const friend of friends) {
      await page.getByLabel("Search people").fill(friend.handle);
      await page
        .getByRole("region", { name: "Search results" })
        .getByRole("button", { name: `Add ${friend.displayName}` })
        .click();
      await expect(page.getByRole("region", { name: /My contacts/ }).getByText(friend.displayName)).toBeVisible();
    }
    const first = friends[0];
    if (first) {
      await page
        .getByRole("region", { name: /My contacts/ })
        .getByRole("button", { name: `Favourite ${first.displayName}` })
        .click();
    }
    await page.getByRole("button", { name: "Clear search" }).click();
    await expect(page.getByRole("region", { name: "Search results" })).toBeHidden();
    await shot("contacts-list");
    const stranger = uniqueUser("Zoe");
    await signUpViaApi(request, stranger);
    await page.getByLabel("Search people").fill(stranger.handle);
    await expect(
      page.getByRole("region", { name: "Search results" }).getByRole("button", { name: `Add ${stranger.displayName}` }),
    ).toBeVisible();
    await shot("contacts-search");
    await page.getByRole("button", { name: "Clear search" }).click();
    await expect(page.getByRole("region", { name: "Search results" })).toBeHidden();

    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Calls" }).click();
    await expect(page.getByText("No calls yet")).toBeVisible();
    await shot("calls");

    await nav.getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("switch", { name: "Accept calls" })).toBeVisible();
    await shot("settings");
  });
}
