import { defineConfig, devices } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./e2e/chromium";

// Point the tests at a stack that is already running elsewhere (then no server is started here).
const externalBaseUrl = process.env.E2E_BASE_URL;

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
    { name: "desktop", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } },
  ],
  webServer: externalBaseUrl
    ? undefined
    : {
        command: "pnpm --dir ../.. exec tsx scripts/stack/main.ts --profile test",
        url: "http://localhost:3100/signin",
        reuseExistingServer: !process.env.CI,
        timeout: 300_000,
        stdout: "pipe",
        stderr: "pipe",
        // the stack stops its children in order on SIGTERM; SIGKILL would leave them running
        gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
      },
});
