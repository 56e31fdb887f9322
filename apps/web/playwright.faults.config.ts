import { defineConfig, devices } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./e2e/chromium";

/*
 * The faults layer (`./ringback test faults`): parts of the cluster-test stack are killed under
 * running calls and rings (LiveKit, Postgres, an API process, Redis) and the supervisor restarts them.
 * One stack for the whole layer, one test at a time: the specs kill shared processes.
 */
export default defineConfig({
  testDir: "./e2e-faults",
  outputDir: "./test-results/faults",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report/faults" }]],
  use: {
    baseURL: "http://localhost:3400",
    screenshot: "on",
    trace: "retain-on-failure",
    video: "off",
    permissions: ["camera", "microphone"],
    ...devices["Desktop Chrome"],
    viewport: { width: 1280, height: 800 },
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
  webServer: {
    command: "pnpm --dir ../.. exec tsx scripts/stack/main.ts --profile cluster-test",
    url: "http://127.0.0.1:3400/signin",
    reuseExistingServer: !process.env.CI,
    timeout: 300_000,
    stdout: "pipe",
    stderr: "pipe",
    // the stack stops its children in order on SIGTERM; SIGKILL would leave them running
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
