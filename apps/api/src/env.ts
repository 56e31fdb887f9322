import { z } from "zod";
import { LOG_LEVELS } from "./logger";

const schema = z.object({
  DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgres:// URL" }),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters"),
  API_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  API_HOST: z.string().default("127.0.0.1"),
  PUBLIC_URL: z.string().url().default("http://localhost:3000"),
  LIVEKIT_URL: z.string().url(),
  LIVEKIT_PUBLIC_URL: z.string().url().optional(),
  // several LiveKit nodes of one cluster (multi-node with Redis): the ws(s):// URLs browsers are spread
  // over, comma-separated; unset: everyone gets LIVEKIT_PUBLIC_URL (or LIVEKIT_URL)
  LIVEKIT_NODE_URLS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((u) => u.trim()).filter((u) => u !== ""))
    .pipe(z.array(z.string().url({ message: "LIVEKIT_NODE_URLS must be comma-separated ws:// or wss:// URLs" }))),
  LIVEKIT_API_KEY: z.string().min(1),
  LIVEKIT_API_SECRET: z.string().min(32, "LIVEKIT_API_SECRET must be at least 32 characters"),
  MEDIA_DIR: z.string().default(".data/media"),
  // S3-compatible media storage: set S3_BUCKET to use it (unset: local files under MEDIA_DIR)
  S3_BUCKET: z.string().optional(),
  // the S3 API's address (unset: AWS in S3_REGION); the API reaches the store here
  S3_ENDPOINT: z.string().url().optional(),
  // where browsers reach the store for signed media URLs (default: S3_ENDPOINT)
  S3_PUBLIC_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  // path-style addressing (http://host/bucket/key), which most self-hosted stores need: default on with S3_ENDPOINT
  S3_FORCE_PATH_STYLE: z.enum(["0", "1", ""]).optional(),
  // how long a signed media URL stays valid, in seconds
  MEDIA_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(7 * 24 * 3600).default(300),
  // where our own workers reach this API (the transcriber posts live voicemail words here)
  API_URL: z.string().url().optional(),
  // the largest message upload, in bytes (a 3-minute 1080p recording is about 180 MB)
  MESSAGE_MAX_BYTES: z.coerce.number().int().min(1024).default(250 * 1024 * 1024),
  // what one person's Library (Live Photos, recordings, saved messages) may hold, in bytes
  LIBRARY_QUOTA_BYTES: z.coerce.number().int().min(1024).default(5 * 1024 * 1024 * 1024),
  // the speech-to-text worker that joins live voicemails; empty turns live transcripts off
  TRANSCRIBER_URL: z.union([z.literal(""), z.string().url()]).default("http://127.0.0.1:3002"),
  // any OpenAI-compatible transcription API for final transcripts (default: the worker above)
  TRANSCRIPTION_API_URL: z.union([z.literal(""), z.string().url()]).optional(),
  TRANSCRIPTION_API_KEY: z.string().optional(),
  TRANSCRIPTION_MODEL: z.string().min(1).default("base"),
  // how often this process looks for rings past their deadline
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  // Web Push (RFC 8292 VAPID): both keys, base64url as web-push makes them; unset: push is off
  VAPID_PUBLIC_KEY: z
    .union([z.literal(""), z.string().regex(/^[A-Za-z0-9_-]{87}$/, "VAPID_PUBLIC_KEY must be a base64url P-256 public key (87 characters)")])
    .optional(),
  VAPID_PRIVATE_KEY: z
    .union([z.literal(""), z.string().regex(/^[A-Za-z0-9_-]{38,43}$/, "VAPID_PRIVATE_KEY must be a base64url P-256 private key (43 characters)")])
    .optional(),
  // who push services contact about our pushes: a mailto: or https: URL (default: PUBLIC_URL when it is https)
  VAPID_SUBJECT: z
    .string()
    .refine((v) => /^mailto:.+@.+/.test(v) || /^https:\/\/.+/.test(v), "VAPID_SUBJECT must be a mailto: or https: URL")
    .optional(),
  // tests only: let subscriptions point at private, loopback and link-local addresses (and plain http)
  PUSH_ALLOW_PRIVATE_ENDPOINTS: z.enum(["0", "1", ""]).default("0"),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
});

export type ApiEnv = z.infer<typeof schema>;

/** Reads and validates the API's configuration once; nothing else reads process.env. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid API configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

const logLevelSchema = schema.shape.LOG_LEVEL;

/**
 * Only the log level, for processes that take the rest of their configuration from elsewhere (the
 * test harness): quiet unless LOG_LEVEL asks otherwise.
 */
export function readLogLevel(source: NodeJS.ProcessEnv = process.env, fallback: ApiEnv["LOG_LEVEL"] = "silent"): ApiEnv["LOG_LEVEL"] {
  if (!source.LOG_LEVEL) return fallback;
  const parsed = logLevelSchema.safeParse(source.LOG_LEVEL);
  if (!parsed.success) throw new Error(`Invalid API configuration:\n  LOG_LEVEL: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}
