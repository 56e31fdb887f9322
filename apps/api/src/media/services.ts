import { join } from "node:path";
import type { ApiEnv } from "../env";
import { createHttpTranscriber } from "../transcriber/http-transcriber";
import type { Services } from "../trpc";
import { LocalStorage } from "./local-storage";

/** Media storage, upload folder and transcriber as configured by the environment. */
export function mediaServicesFromEnv(env: ApiEnv): Pick<Services, "media" | "transcriber" | "apiUrl"> {
  const liveUrl = env.TRANSCRIBER_URL || null;
  const fileUrl = env.TRANSCRIPTION_API_URL === undefined ? liveUrl : env.TRANSCRIPTION_API_URL || null;
  return {
    apiUrl: env.API_URL ?? `http://127.0.0.1:${env.API_PORT}`,
    media: {
      storage: new LocalStorage(join(env.MEDIA_DIR, "store")),
      uploadDir: join(env.MEDIA_DIR, "uploads"),
      maxUploadBytes: env.MESSAGE_MAX_BYTES,
      libraryQuotaBytes: env.LIBRARY_QUOTA_BYTES,
    },
    transcriber: createHttpTranscriber({
      liveUrl,
      fileUrl,
      fileApiKey: env.TRANSCRIPTION_API_KEY ?? null,
      fileModel: env.TRANSCRIPTION_MODEL,
      timeoutMs: 120_000,
    }),
  };
}
