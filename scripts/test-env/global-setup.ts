// vitest globalSetup for integration tests that need Postgres and LiveKit (apps/api).
import type { TestProject } from "vitest/node";
import { setupAll, setupLivekit, setupPostgres } from "./services";

export default function setup(project: TestProject) {
  return setupAll(project, [setupPostgres, setupLivekit]);
}
