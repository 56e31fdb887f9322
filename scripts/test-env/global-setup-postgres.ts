// vitest globalSetup for integration tests that only need Postgres (packages/db): no LiveKit binary needed.
import type { TestProject } from "vitest/node";
import { setupAll, setupPostgres } from "./services";

export default function setup(project: TestProject) {
  return setupAll(project, [setupPostgres]);
}
