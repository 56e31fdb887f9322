import { expect, test } from "@playwright/test";
import { sessionCookieHeader, signInViaUi, signUpViaUi, snap, uniqueUser } from "./helpers";

test.describe("account: password, other devices, deletion, privacy", () => {
  test("changing the password signs out other browsers and keeps this one", async ({ page, browser, request }, testInfo) => {
    const ana = uniqueUser("Ana");
    await signUpViaUi(page, ana);
    const laptop = await browser.newContext();
    const laptopPage = await laptop.newPage();
    await signInViaUi(laptopPage, ana);
    await expect(laptopPage).toHaveURL(/\/contacts/);
    const laptopCookie = await sessionCookieHeader(laptopPage);

    await page.goto("/settings");
    const form = page.getByRole("form", { name: "Change password" });
    // the form checks itself before asking the server
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(form.getByText("Enter your current password")).toBeVisible();
    await expect(form.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");

    await form.getByLabel("Current password").fill("not-my-password-1");
    await form.getByLabel("New password").fill("a-new-secret-7");
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(form.getByText("Your current password is not right")).toBeVisible();

    await form.getByLabel("Current password").fill(ana.password);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed. You were signed out on your other devices.")).toBeVisible();
    await snap(page, testInfo, "settings-password-changed");

    // the other browser's session is over; this one goes on
    expect((await request.get("/api/trpc/me.get", { headers: { cookie: laptopCookie } })).status()).toBe(401);
    await laptopPage.goto("/contacts");
    await expect(laptopPage).toHaveURL(/\/signin/);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();

    await signInViaUi(laptopPage, ana);
    await expect(laptopPage.getByText("Wrong email or password")).toBeVisible();
    await signInViaUi(laptopPage, { email: ana.email, password: "a-new-secret-7" });
    await expect(laptopPage).toHaveURL(/\/contacts/);
    await laptop.close();
  });

  test("deleting the account needs the password, then ends every session", async ({ page, request }, testInfo) => {
    const bo = uniqueUser("Bo");
    await signUpViaUi(page, bo);
    const cookie = await sessionCookieHeader(page);
    await page.goto("/settings");

    await page.getByRole("button", { name: "Delete account" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete your account?" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect((await request.get("/api/trpc/me.get", { headers: { cookie } })).status()).toBe(200);

    await page.getByRole("button", { name: "Delete account" }).click();
    // a click alone is not enough: a copied session cookie must not be able to delete the account
    await dialog.getByRole("button", { name: "Delete account" }).click();
    await expect(dialog.getByText("Enter your current password")).toBeVisible();
    await dialog.getByLabel("Password").fill("not-my-password-1");
    await dialog.getByRole("button", { name: "Delete account" }).click();
    await expect(dialog.getByText("Your current password is not right")).toBeVisible();
    await expect(dialog.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
    await snap(page, testInfo, "settings-delete-wrong-password");
    expect((await request.get("/api/trpc/me.get", { headers: { cookie } })).status()).toBe(200);

    await dialog.getByLabel("Password").fill(bo.password);
    await dialog.getByRole("button", { name: "Delete account" }).click();
    await expect(page).toHaveURL(/\/signup/);
    expect((await request.get("/api/trpc/me.get", { headers: { cookie } })).status()).toBe(401);
    await signInViaUi(page, bo);
    await expect(page.getByText("Wrong email or password")).toBeVisible();
  });

  test("'Sign out of other devices' ends the other browsers' sessions and keeps this one", async ({ page, browser, request }) => {
    const di = uniqueUser("Di");
    await signUpViaUi(page, di);
    const laptop = await browser.newContext();
    const laptopPage = await laptop.newPage();
    await signInViaUi(laptopPage, di);
    await expect(laptopPage).toHaveURL(/\/contacts/);
    const laptopCookie = await sessionCookieHeader(laptopPage);
    const hereCookie = await sessionCookieHeader(page);

    await page.goto("/settings");
    await page.getByRole("button", { name: "Sign out of other devices" }).click();
    await expect(page.getByText("Signed out of 1 other device.")).toBeVisible();

    expect((await request.get("/api/trpc/me.get", { headers: { cookie: laptopCookie } })).status()).toBe(401);
    expect((await request.get("/api/trpc/me.get", { headers: { cookie: hereCookie } })).status()).toBe(200);
    await laptopPage.goto("/contacts");
    await expect(laptopPage).toHaveURL(/\/signin/);
    await laptop.close();
  });

  test("'Let people find me by email' is on by default and is kept; the page reads well on a phone", async ({ page }, testInfo) => {
    const cy = uniqueUser("Cy");
    await signUpViaUi(page, cy);
    await page.goto("/settings");
    const findMe = page.getByRole("switch", { name: "Let people find me by email" });
    await expect(findMe).toHaveAttribute("aria-checked", "true");
    await findMe.click();
    await expect(page.getByText("Find me by email off")).toBeVisible();
    await page.reload();
    await expect(page.getByRole("switch", { name: "Let people find me by email" })).toHaveAttribute("aria-checked", "false");
    await snap(page, testInfo, "settings-desktop");

    // the Account card on its own, at desktop and phone widths
    const accountCard = page.locator('section[data-slot="card"]').filter({ has: page.getByRole("button", { name: "Sign out of other devices" }) });
    await accountCard.screenshot({ path: testInfo.outputPath("settings-account-1280.png") });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    await snap(page, testInfo, "settings-phone");
    // the app scrolls inside its shell, so the lower sections are captured as the phone shows them
    const privacy = page.getByText("Let people find me by email", { exact: true });
    const account = page.getByRole("button", { name: "Delete account" });
    for (const [target, name] of [[privacy, "settings-phone-privacy"], [account, "settings-phone-account"]] as const) {
      await target.scrollIntoViewIfNeeded();
      const path = testInfo.outputPath(`${name}.png`);
      await page.screenshot({ path });
      await testInfo.attach(name, { path, contentType: "image/png" });
    }
    await accountCard.screenshot({ path: testInfo.outputPath("settings-account-390.png") });
  });
});
