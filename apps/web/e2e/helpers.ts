import { expect, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";

export type TestUser = { email: string; password: string; displayName: string; handle: string };

let counter = 0;

/** A user nobody else has: tests never share accounts, so they run in any order and on a dirty database. */
export function uniqueUser(label: string): TestUser {
  counter += 1;
  const suffix = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 5)}`;
  const handle = `${label.toLowerCase()}_${suffix}`.slice(0, 20);
  return {
    email: `${handle}@example.test`,
    password: "correct-horse-42",
    displayName: `${label} ${suffix.slice(-4).toUpperCase()}`,
    handle,
  };
}

// A random start per worker process: a retried test runs in a new process against the same
// database, and must not reuse the addresses (and so the sign-up allowance) of the failed attempt.
let signUps = Math.floor(Math.random() * 100_000);
/**
 * A fresh client address for each test sign-up (sign-up is limited per address, and every test here
 * comes from one machine); the web server takes the address from x-forwarded-for, as it would behind
 * a proxy. Addresses come from 198.18.0.0/15, the range set aside for benchmarking.
 */
export function signUpAddress(): string {
  signUps += 1;
  const n = signUps % 131_072;
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/** The page's sign-ups come from an address of their own (see signUpAddress) until it is unrouted. */
export async function signUpFromOwnAddress(page: Page): Promise<void> {
  const address = signUpAddress();
  await page.route("**/api/trpc/auth.signUp**", (route) => route.continue({ headers: { ...route.request().headers(), "x-forwarded-for": address } }));
}

export async function signUpViaUi(page: Page, user: TestUser): Promise<void> {
  await signUpFromOwnAddress(page);
  await page.goto("/signup");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Display name").fill(user.displayName);
  await page.getByLabel("Handle").fill(user.handle);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  await expect(page.getByRole("heading", { level: 1, name: "Contacts" })).toBeVisible();
  await page.unroute("**/api/trpc/auth.signUp**");
}

/** Creates an account straight through the API (same public procedure the sign-up page calls). */
export async function signUpViaApi(request: APIRequestContext, user: TestUser): Promise<void> {
  const response = await request.post("/api/trpc/auth.signUp", {
    data: { json: user },
    headers: { "content-type": "application/json", "x-forwarded-for": signUpAddress() },
  });
  expect(response.status(), await response.text()).toBe(200);
}

export async function signInViaUi(page: Page, user: Pick<TestUser, "email" | "password">): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

let guesses = 0;

/**
 * One password guess through next-auth's credentials endpoint, as a script (not a browser) would
 * send it; returns the error code next-auth reports ("CredentialsSignin", "TooManyAttempts:2"), or
 * null when the guess was right.
 */
export async function guessPassword(request: APIRequestContext, email: string, password: string): Promise<string | null> {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  // Each guess claims another address (x-forwarded-for), as a botnet's would: only the per-account
  // limit applies, and the tests' own address (every browser here) is not used up.
  guesses += 1;
  const response = await request.post("/api/auth/callback/credentials", {
    form: { email, password, csrfToken, json: "true", callbackUrl: "/contacts" },
    headers: { "x-forwarded-for": `198.18.${Math.floor(guesses / 250) % 250}.${guesses % 250}` },
    maxRedirects: 0,
  });
  const { url } = (await response.json()) as { url: string };
  return new URL(url).searchParams.get("error");
}

/** The page's session cookie as a Cookie header, to replay it from outside the browser. */
export async function sessionCookieHeader(page: Page): Promise<string> {
  const cookies = await page.context().cookies();
  const session = cookies.filter((c) => c.name.includes("next-auth.session-token"));
  expect(session.length, "signed in").toBeGreaterThan(0);
  return session.map((c) => `${c.name}=${c.value}`).join("; ");
}

/** Full-page screenshot attached to the report and kept in test-results. */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}
