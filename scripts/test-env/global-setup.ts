// vitest globalSetup for integration tests that need Postgres, LiveKit, the transcriber and an S3 store (apps/api).
import type { TestProject } from "vitest/node";
import { inParallel, setupAll, setupLivekit, setupPostgres, setupSeaweedfs, setupTranscriber } from "./services";

export default function setup(project: TestProject) {
  return setupAll(project, [setupPostgres, setupLivekit, inParallel(setupTranscriber, setupSeaweedfs)]);
}
