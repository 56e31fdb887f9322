// Loads vitest's types so the augmentation below has a module to extend.
import type {} from "vitest";

/** What the integration-test global setup hands to every test file through vitest's `inject`. */
export type TestLivekit = { url: string; apiKey: string; apiSecret: string };

/** An S3-compatible store for the run (SeaweedFS, or the one S3_TEST_* points at), with its bucket. */
export type TestS3 = { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; bucket: string };

declare module "vitest" {
  export interface ProvidedContext {
    /** A superuser URL on a throw-away server (or $DATABASE_URL): create databases through it. */
    databaseAdminUrl: string;
    livekit: TestLivekit;
    /** The speech-to-text worker for the run ("" when TRANSCRIBER_URL= turns it off). */
    transcriberUrl: string;
    /** Its venv's python (has the LiveKit SDK for services/transcriber/tools); "" for an external worker. */
    transcriberPython: string;
    s3: TestS3;
  }
}
