import { createRequire } from "node:module";
import { expect, test } from "@playwright/test";
import { signUpFromOwnAddress, snap, uniqueUser } from "./helpers";

// The test profile's database (scripts/stack/main.ts, profile "test"). The web app has no database
// client of its own, so the test borrows the db package's.
const DATABASE_URL = process.env.E2E_DATABASE_URL ?? (process.env.E2E_BASE_URL ? undefined : "postgres://postgres:postgres@127.0.0.1:54339/ringback");
type Sql = { unsafe(query: string): Promise<unknown>; end(): Promise<void> };
const postgres = createRequire(new URL("../../../packages/db/package.json", import.meta.url))("postgres") as (url: string, opts: object) => Sql;

const FORCED_NAME = "Forced Failure";

test.describe("errors nobody planned for", () => {
  test.skip(!DATABASE_URL, "needs the stack's database (set E2E_DATABASE_URL with E2E_BASE_URL)");

  test("reach the person as a readable message with the reference the server logged, nothing of the failure itself", async ({ page }, testInfo) => {
    // A real failure inside Postgres: a constraint the sign-up INSERT (new password hash among its
    // parameters) will violate. Only this display name is affected, and the constraint goes after.
    const sql = postgres(DATABASE_URL ?? "", { max: 1, onnotice: () => {} });
    await sql.unsafe(`ALTER TABLE users DROP CONSTRAINT IF EXISTS e2e_forced_failure`);
    await sql.unsafe(`ALTER TABLE users ADD CONSTRAINT e2e_forced_failure CHECK (display_name <> '${FORCED_NAME}')`);
    try {
      const user = uniqueUser("Oops");
      await signUpFromOwnAddress(page);
      await page.goto("/signup");
      await page.getByLabel("Email").fill(user.email);
      await page.getByLabel("Display name").fill(FORCED_NAME);
      await page.getByLabel("Handle").fill(user.handle);
      await page.getByLabel("Password").fill(user.password);
      const answered = page.waitForResponse((r) => r.url().includes("/api/trpc/auth.signUp"));
      await page.getByRole("button", { name: "Create account" }).click();
      const response = await answered;
      expect(response.status()).toBe(500);
      // the page's client batches calls: the answer is a list with one entry per call
      type Answer = { error?: { json?: { data?: { reference?: string } } } };
      const body = (await response.json()) as Answer | Answer[];
      const reference = (Array.isArray(body) ? body[0] : body)?.error?.json?.data?.reference;
      expect(reference).toMatch(/^[0-9a-f]{12}$/);

      const alert = page.getByRole("alert").filter({ hasText: "Reference" });
      await expect(alert).toHaveText(`Something went wrong. Please try again. Reference: ${reference}`);
      await expect(page).toHaveURL(/\/signup$/);
      const shown = await page.locator("body").innerText();
      for (const leak of ["insert into", "e2e_forced_failure", "argon2", "violates"]) expect(shown.toLowerCase()).not.toContain(leak);
      await snap(page, testInfo, "unexpected-error-reference");
    } finally {
      await sql.unsafe(`ALTER TABLE users DROP CONSTRAINT IF EXISTS e2e_forced_failure`);
      await sql.end();
    }
  });
});
