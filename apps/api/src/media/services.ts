import { join } from "node:path";
import type { ApiEnv } from "../env";
import { createHttpTranscriber } from "../transcriber/http-transcriber";
import type { Services } from "../trpc";
import { LocalStorage } from "./local-storage";
import { S3Storage } from "./s3-storage";
import type { MediaStorage } from "./storage";

/** Media storage, upload folder and transcriber as configured by the environment. */
export function mediaServicesFromEnv(env: ApiEnv): Pick<Services, "media" | "transcriber" | "apiUrl"> {
  const liveUrl = env.TRANSCRIBER_URL || null;
  const fileUrl = env.TRANSCRIPTION_API_URL === undefined ? liveUrl : env.TRANSCRIPTION_API_URL || null;
  return {
    apiUrl: env.API_URL ?? `http://127.0.0.1:${env.API_PORT}`,
    media: {
      storage: storageFromEnv(env),
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

/**
 * An S3-compatible bucket when S3_BUCKET is set, local files under MEDIA_DIR otherwise. Uploads in
 * progress stay in MEDIA_DIR/uploads either way (tus writes them as they arrive; the job that makes
 * them playable reads them there), so API processes that share the work share that folder.
 */
export function storageFromEnv(env: ApiEnv): MediaStorage {
  if (!env.S3_BUCKET) return new LocalStorage(join(env.MEDIA_DIR, "store"));
  const keyId = env.S3_ACCESS_KEY_ID ?? "";
  const secret = env.S3_SECRET_ACCESS_KEY ?? "";
  if ((keyId === "") !== (secret === "")) throw new Error("Invalid API configuration:\n  S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together");
  return new S3Storage({
    bucket: env.S3_BUCKET,
    endpoint: env.S3_ENDPOINT,
    publicEndpoint: env.S3_PUBLIC_ENDPOINT,
    region: env.S3_REGION,
    // neither: the SDK's own chain (AWS_* variables, a profile, an instance role)
    credentials: keyId ? { accessKeyId: keyId, secretAccessKey: secret } : undefined,
    // self-hosted stores rarely have a DNS name per bucket; AWS itself wants virtual-hosted style
    forcePathStyle: env.S3_FORCE_PATH_STYLE ? env.S3_FORCE_PATH_STYLE === "1" : env.S3_ENDPOINT !== undefined,
    urlTtlSeconds: env.MEDIA_URL_TTL_SECONDS,
  });
}
