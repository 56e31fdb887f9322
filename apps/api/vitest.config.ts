import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.integration.test.ts"],
    // Starts one Postgres and one LiveKit for the run; tests reach them through `inject`.
    globalSetup: ["../../scripts/test-env/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files running side by side only fight over the same servers.
    fileParallelism: false,
  },
});
