import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.integration.test.ts"],
    // Starts one throw-away Postgres for the run; tests make their own databases in it.
    globalSetup: ["../../scripts/test-env/global-setup-postgres.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // The package may have no integration tests yet; that is not a failure of the run.
    passWithNoTests: true,
  },
});
