// vitest globalSetup for integration tests that need Postgres, LiveKit and the transcriber (apps/api).
import type { TestProject } from "vitest/node";
import { setupAll, setupLivekit, setupPostgres, setupTranscriber } from "./services";

export default function setup(project: TestProject) {
  return setupAll(project, [setupPostgres, setupLivekit, setupTranscriber]);
}
