import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The dev tooling's own tests: the embedded Postgres wrapper against real Postgres binaries.
    include: ["stack/**/*.integration.test.ts"],
    testTimeout: 60_000,
    retry: process.env.CI ? 1 : 0,
    hookTimeout: 60_000,
  },
});
