import { expect, test } from "@playwright/test";
import { guessPassword, sessionCookieHeader, signInViaUi, signUpAddress, signUpFromOwnAddress, signUpViaApi, signUpViaUi, snap, uniqueUser } from "./helpers";

test.describe("foundation: accounts, contacts, blocking, settings", () => {
  test("find someone by handle, add, favourite, block and unblock them", async ({ page, request }, testInfo) => {
    const ana = uniqueUser("Ana");
    const ben = uniqueUser("Ben");
    await signUpViaApi(request, ben);
    await signUpViaUi(page, ana);
    await expect(page.getByText("No contacts yet")).toBeVisible();

    await page.getByLabel("Search people").fill(ben.handle);
    const results = page.getByRole("region", { name: "Search results" });
    await expect(results.getByText(ben.displayName)).toBeVisible();
    await expect(results.getByText(`@${ben.handle}`)).toBeVisible();
    await snap(page, testInfo, "contacts-search");

    await results.getByRole("button", { name: `Add ${ben.displayName}` }).click();
    await expect(page.getByText(`${ben.displayName} added to your contacts`)).toBeVisible();
    await expect(results.getByText("In contacts")).toBeVisible();

    const contacts = page.getByRole("region", { name: /My contacts/ });
    await expect(contacts.getByText(ben.displayName)).toBeVisible();

    const star = contacts.getByRole("button", { name: `Favourite ${ben.displayName}` });
    await expect(star).toHaveAttribute("aria-pressed", "false");
    await star.click();
    await expect(star).toHaveAttribute("aria-pressed", "true");

    // The favourite is stored, not just drawn: it survives a reload.
    await page.reload();
    await expect(
      page.getByRole("region", { name: /My contacts/ }).getByRole("button", { name: `Favourite ${ben.displayName}` }),
    ).toHaveAttribute("aria-pressed", "true");
    await snap(page, testInfo, "contacts-favourite");

    await contacts.getByRole("button", { name: `Block ${ben.displayName}` }).click();
    const dialog = page.getByRole("dialog", { name: `Block ${ben.displayName}?` });
    await expect(dialog).toBeVisible();
    await snap(page, testInfo, "contacts-block-confirm");
    await dialog.getByRole("button", { name: "Block" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(`${ben.displayName} is blocked`)).toBeVisible();

    // Searching again shows the block.
    await page.getByLabel("Search people").fill(ben.handle);
    await expect(results.getByRole("button", { name: `Unblock ${ben.displayName}` })).toBeVisible();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    const blockedList = page.getByRole("list", { name: "Blocked people" });
    await expect(blockedList.getByText(ben.displayName)).toBeVisible();
    await snap(page, testInfo, "settings-blocked");

    await blockedList.getByRole("button", { name: `Unblock ${ben.displayName}` }).click();
    await expect(page.getByText(`${ben.displayName} unblocked`)).toBeVisible();
    await expect(page.getByText("No one is blocked")).toBeVisible();

    await page.reload();
    await expect(page.getByText("No one is blocked")).toBeVisible();
  });

  test("block someone from settings search", async ({ page, request }) => {
    const ana = uniqueUser("Ana");
    const cy = uniqueUser("Cy");
    await signUpViaApi(request, cy);
    await signUpViaUi(page, ana);

    await page.goto("/settings");
    await page.getByLabel("Block someone").fill(cy.handle);
    await page.getByRole("list", { name: "People to block" }).getByRole("button", { name: `Block ${cy.displayName}` }).click();
    await page.getByRole("dialog", { name: `Block ${cy.displayName}?` }).getByRole("button", { name: "Block" }).click();
    await expect(page.getByRole("list", { name: "Blocked people" }).getByText(cy.displayName)).toBeVisible();
  });

  test("settings changes are saved and survive a reload", async ({ page }, testInfo) => {
    const ana = uniqueUser("Ana");
    await signUpViaUi(page, ana);
    await page.goto("/settings");

    const ringTimeout = page.getByLabel("Ring timeout");
    const silence = page.getByRole("switch", { name: "Silence unknown callers" });
    await expect(ringTimeout).toHaveValue("30");
    await expect(silence).toHaveAttribute("aria-checked", "false");

    await ringTimeout.selectOption("45");
    await expect(page.getByText("Calls ring for 45 seconds")).toBeVisible();
    await silence.click();
    await expect(page.getByText("Silence unknown callers on")).toBeVisible();
    await expect(silence).toHaveAttribute("aria-checked", "true");

    const newName = `${ana.displayName} Jr`;
    await page.getByLabel("Display name").fill(newName);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Display name saved")).toBeVisible();
    await snap(page, testInfo, "settings-changed");

    await page.reload();
    await expect(page.getByLabel("Ring timeout")).toHaveValue("45");
    await expect(page.getByRole("switch", { name: "Silence unknown callers" })).toHaveAttribute("aria-checked", "true");
    await expect(page.getByLabel("Display name")).toHaveValue(newName);
    // Untouched settings keep their defaults.
    await expect(page.getByRole("switch", { name: "Accept calls" })).toHaveAttribute("aria-checked", "true");
    await expect(page.getByRole("switch", { name: "Allow others to record calls with me" })).toHaveAttribute(
      "aria-checked",
      "false",
    );
  });

  test("wrong password shows a clear message", async ({ page, request }, testInfo) => {
    const ana = uniqueUser("Ana");
    await signUpViaApi(request, ana);
    await signInViaUi(page, { email: ana.email, password: "not-the-password-1" });
    await expect(page.getByText("Wrong email or password")).toBeVisible();
    await expect(page).toHaveURL(/\/signin/);
    await snap(page, testInfo, "signin-wrong-password");
  });

  test("guessing someone's password slows strangers down but never locks the owner's own browser out", async ({ page, browser, request }, testInfo) => {
    const ben = uniqueUser("Ben");
    await signUpViaApi(request, ben);
    // Ben signs in once in his own browser, which then carries a device cookie
    const bensBrowser = await browser.newContext();
    const bensPage = await bensBrowser.newPage();
    await signInViaUi(bensPage, ben);
    await expect(bensPage).toHaveURL(/\/contacts/);
    await bensPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await bensPage.getByRole("button", { name: "Sign out" }).first().click();
    await expect(bensPage).toHaveURL(/\/signin/);

    // an attacker guesses through the same sign-in endpoint the page uses: 10 free guesses, then
    // each next one waits twice as long (1 s, 2 s, 4 s ...)
    for (let i = 0; i < 10; i++) expect(await guessPassword(request, ben.email, `guess-${i}`)).toBe("CredentialsSignin");
    expect(await guessPassword(request, ben.email, "guess-10")).toBe("TooManyAttempts:1");
    for (const wait of [1, 2, 4]) {
      await page.waitForTimeout(wait * 1000 + 100);
      expect(await guessPassword(request, ben.email, `guess-after-${wait}`)).toBe("CredentialsSignin");
    }

    // a browser that never signed in as Ben is asked to wait, even with the right password
    await signInViaUi(page, ben);
    await expect(page.getByText(/^Too many sign-in attempts\. Try again in \d+ seconds?\.$/)).toBeVisible();
    await expect(page).toHaveURL(/\/signin/);
    await snap(page, testInfo, "signin-throttled");

    // Ben's own browser signs straight in
    await signInViaUi(bensPage, ben);
    await expect(bensPage).toHaveURL(/\/contacts/);
    await bensBrowser.close();
  });

  test("signing up with a taken email or handle says so on the field", async ({ page, request }, testInfo) => {
    const ana = uniqueUser("Ana");
    await signUpViaApi(request, ana);

    await signUpFromOwnAddress(page);
    await page.goto("/signup");
    await page.getByLabel("Email").fill(ana.email);
    await page.getByLabel("Display name").fill("Someone Else");
    await page.getByLabel("Handle").fill(uniqueUser("Other").handle);
    await page.getByLabel("Password").fill("another-pass-7");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("An account with this email already exists")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await snap(page, testInfo, "signup-duplicate-email");

    await page.getByLabel("Email").fill(uniqueUser("Other").email);
    await page.getByLabel("Handle").fill(ana.handle);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("That handle is taken")).toBeVisible();

    await page.getByLabel("Handle").fill(uniqueUser("Other").handle);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(
      page.getByText("Password must be at least 8 characters and include a letter and a number"),
    ).toBeVisible();
    await expect(page).toHaveURL(/\/signup/);
  });

  test("sign-up is limited per client address, with a readable message, while other addresses go on", async ({ page, request }, testInfo) => {
    const address = signUpAddress();
    const from = (user: ReturnType<typeof uniqueUser>) =>
      request.post("/api/trpc/auth.signUp", { data: { json: user }, headers: { "content-type": "application/json", "x-forwarded-for": address } });
    for (let i = 0; i < 10; i++) expect((await from(uniqueUser("Flood"))).status()).toBe(200);
    expect((await from(uniqueUser("Flood"))).status()).toBe(429);
    // each further sign-up waits twice as long after the last one (1 s, 2 s, 4 s, ...): wait those
    // out so the next wait (8 s) outlasts the page load below, however slow the machine
    for (const seconds of [1, 2, 4]) {
      await new Promise((r) => setTimeout(r, seconds * 1000 + 150));
      expect((await from(uniqueUser("Flood"))).status()).toBe(200);
      expect((await from(uniqueUser("Flood"))).status()).toBe(429);
    }

    // the sign-up page from that address says what happened and when to try again
    await page.route("**/api/trpc/auth.signUp**", (route) => route.continue({ headers: { ...route.request().headers(), "x-forwarded-for": address } }));
    const late = uniqueUser("Late");
    await page.goto("/signup");
    await page.getByLabel("Email").fill(late.email);
    await page.getByLabel("Display name").fill(late.displayName);
    await page.getByLabel("Handle").fill(late.handle);
    await page.getByLabel("Password").fill(late.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /Too many attempts\. Try again in \d+ seconds?\./ })).toBeVisible();
    await snap(page, testInfo, "signup-too-many");
    await page.unroute("**/api/trpc/auth.signUp**");

    // someone else, at another address, is not held up
    await signUpViaUi(page, uniqueUser("Next"));
  });

  test("sign out and back in", async ({ page, request }, testInfo) => {
    const ana = uniqueUser("Ana");
    await signUpViaUi(page, ana);

    await page.goto("/settings");
    const before = await sessionCookieHeader(page);
    expect((await request.get("/api/trpc/me.get", { headers: { cookie: before } })).status()).toBe(200);
    await page.getByRole("button", { name: "Sign out" }).first().click();
    await expect(page).toHaveURL(/\/signin/);
    // Signing out ends the session on the server: a copy of the old cookie no longer works.
    expect((await request.get("/api/trpc/me.get", { headers: { cookie: before } })).status()).toBe(401);

    // Signed out means signed out: the app pages send you back to sign in.
    await page.goto("/contacts");
    await expect(page).toHaveURL(/\/signin/);

    await signInViaUi(page, ana);
    await expect(page).toHaveURL(/\/contacts/);
    await expect(page.getByRole("heading", { level: 1, name: "Contacts" })).toBeVisible();
    await snap(page, testInfo, "signed-back-in");
  });
});
