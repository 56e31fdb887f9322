import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Core is pure: no DOM, no network, nothing to set up.
    environment: "node",
  },
});
