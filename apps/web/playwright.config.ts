import { defineConfig, devices } from "@playwright/test";
import { chromiumArgs, chromiumPath, publicTest, publicTestArgs } from "./e2e/chromium";

// Point the tests at a stack that is already running elsewhere (then no server is started here).
const externalBaseUrl = process.env.E2E_BASE_URL;

// Each stack starts only when its specs may run: a whole run starts both; a run that names spec
// files starts the public-test stack (HTTPS through Caddy, TURN) only for public-*.spec.ts, and the
// test stack only for the others.
const specArgs = process.argv.slice(2).filter((arg) => /\.spec\.ts$|^e2e\//.test(arg));
const wantsPublic = specArgs.length === 0 || specArgs.some((arg) => /public-/.test(arg));
const wantsDesktop = specArgs.length === 0 || specArgs.some((arg) => !/public-/.test(arg));

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: externalBaseUrl ?? "http://localhost:3100",
    screenshot: "on",
    trace: "retain-on-failure",
    video: "off",
    permissions: ["camera", "microphone"],
    launchOptions: {
      executablePath: chromiumPath,
      args: chromiumArgs,
    },
  },
  projects: [
    {
      name: "desktop",
      testIgnore: /public-.*\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } },
    },
    {
      // https://ringback.test:8443 through Caddy: a secure origin on a real name, with TURN
      name: "public",
      testMatch: /public-.*\.spec\.ts/,
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1280, height: 800 },
        baseURL: publicTest.origin,
        launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs, ...publicTestArgs()] },
      },
    },
  ],
  webServer: externalBaseUrl
    ? undefined
    : [
        ...(wantsDesktop
          ? [
              {
                command: "pnpm --dir ../.. exec tsx scripts/stack/main.ts --profile test",
                url: "http://localhost:3100/signin",
                reuseExistingServer: !process.env.CI,
                timeout: 300_000,
                stdout: "pipe" as const,
                stderr: "pipe" as const,
                // the stack stops its children in order on SIGTERM; SIGKILL would leave them running
                gracefulShutdown: { signal: "SIGTERM" as const, timeout: 10_000 },
              },
            ]
          : []),
        ...(wantsPublic
          ? [
              {
                command: "pnpm --dir ../.. exec tsx scripts/stack/main.ts --profile public-test",
                // the web server itself, which the stack starts after Caddy and TURN are up
                url: "http://127.0.0.1:3200/signin",
                reuseExistingServer: !process.env.CI,
                timeout: 300_000,
                stdout: "pipe" as const,
                stderr: "pipe" as const,
                gracefulShutdown: { signal: "SIGTERM" as const, timeout: 10_000 },
              },
            ]
          : []),
      ],
});
