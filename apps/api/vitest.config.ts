import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.integration.test.ts"],
    // Starts one Postgres and one LiveKit for the run; tests reach them through `inject`.
    globalSetup: ["../../scripts/test-env/global-setup.ts"],
    testTimeout: 30_000,
    // CI machines are slower and busier than a laptop; a timing test that loses a race once is retried
    // once (the summary still names it). Locally a failure is a failure.
    retry: process.env.CI ? 1 : 0,
    hookTimeout: 60_000,
    // Two cores: files running side by side only fight over the same servers.
    fileParallelism: false,
  },
});
