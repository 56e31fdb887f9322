import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TRPCClientError } from "@trpc/client";
import { inject } from "vitest";
import { createDb } from "@ringback/db/client";
import { getMessage } from "@ringback/db/queries/messages";
import { createSession } from "@ringback/db/queries/sessions";
import { createTestDatabase } from "@ringback/db/testing";
import { CLIENT_ADDRESS_HEADER, CLIENT_PROOF_HEADER, clientAddressProof, INTERNAL_HEADER, internalToken } from "../auth/internal";
import { readLogLevel } from "../env";
import { createLogger, type Logger } from "../logger";
import { sweepOnce } from "../calls/sweeper";
import { createWebhookHandler } from "../calls/webhook";
import { EventBus } from "../events/bus";
import { createApiServer } from "../server";
import { createJobQueue } from "../media/job-queue";
import { LocalStorage } from "../media/local-storage";
import { S3Storage } from "../media/s3-storage";
import { sweepMedia } from "../media/sweep";
import type { MessageStatus } from "../messages/service";
import type { PushConfig } from "../push/config";
import { createPushService } from "../push/push-service";
import { createHttpTranscriber } from "../transcriber/http-transcriber";
import { nodeClient, sessionCookie } from "./node-client";
import { tusRequest, tusUpload, type UploadOptions } from "./tus-client";

export const TEST_AUTH_SECRET = "test-secret-test-secret-test-secret-0123";

export type TestUser = { id: string; email: string; handle: string; displayName: string; cookie: string };

let counter = 0;

/** A real API server on a random port, over a fresh real Postgres database, with its real job queue. */
export async function startTestApi(
  opts: {
    databaseUrl?: string;
    log?: Logger;
    /**
     * the speech-to-text worker (`inject("transcriberUrl")`) for live voicemail words and final
     * transcripts; off unless a test asks, so other tests neither wait for it nor send it into rooms
     */
    transcriberUrl?: string | null;
    /** the largest upload (default 50 MB) */
    maxUploadBytes?: number;
    /** what one person's Library may hold (default 1 GB) */
    libraryQuotaBytes?: number;
    /** leave the job workers stopped until the test calls startJobs() (jobs queue up meanwhile) */
    jobsPaused?: boolean;
    /** Web Push on, with these keys (off unless a test asks) */
    push?: PushConfig;
    /** media in the run's S3 store (`inject("s3")`, SeaweedFS) instead of local files */
    storage?: "local" | "s3";
    /** how long signed media URLs live (S3 only; default 300 s) */
    urlTtlSeconds?: number;
  } = {},
) {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase(inject("databaseAdminUrl"), "api"));
  const { db, sql, close } = createDb(databaseUrl, { max: 5 });
  const bus = new EventBus(sql);
  await bus.start();
  const livekit = inject("livekit");
  const mediaDir = await mkdtemp(join(tmpdir(), "ringback-media-"));
  // silent unless LOG_LEVEL says otherwise, so test output stays readable
  const log = opts.log ?? createLogger(readLogLevel());
  // real pg-boss over the test database; sweeps are run by the tests (sweepMedia) with their own clock
  const jobs = createJobQueue({ databaseUrl, log, sweep: false, retryDelaySeconds: 1 });
  // the port is known before the server exists, so apiUrl (where workers call back) is right
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const transcriberUrl = opts.transcriberUrl ?? null;
  const services = {
    db,
    bus,
    livekit,
    livekitPublicUrl: livekit.url,
    publicUrl: "http://localhost:3000",
    apiUrl: baseUrl,
    internalSecret: TEST_AUTH_SECRET,
    media: {
      storage: opts.storage === "s3" ? testS3Storage(opts.urlTtlSeconds) : new LocalStorage(join(mediaDir, "store")),
      uploadDir: join(mediaDir, "uploads"),
      maxUploadBytes: opts.maxUploadBytes ?? 50 * 1024 * 1024,
      libraryQuotaBytes: opts.libraryQuotaBytes ?? 1024 * 1024 * 1024,
    },
    transcriber: createHttpTranscriber({ liveUrl: transcriberUrl, fileUrl: transcriberUrl, fileApiKey: null, fileModel: "base", timeoutMs: 60_000 }),
    jobs,
    push: opts.push ?? null,
  };
  await jobs.start(services, { workers: !opts.jobsPaused });
  const pushService = opts.push ? createPushService({ databaseUrl, config: opts.push, log, pollingIntervalSeconds: 0.5, retryDelaySeconds: 1 }) : null;
  await pushService?.start();
  const server = createApiServer({ ...services, log, authSecret: TEST_AUTH_SECRET, onWebhook: createWebhookHandler(services) });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

  const clientFor = (cookie: string | null, extraHeaders: Record<string, string> = {}) => nodeClient(baseUrl, cookie, extraHeaders);

  const anonymous = clientFor(null);
  /** what the web server uses for server-to-server calls */
  const internal = clientFor(null, { [INTERNAL_HEADER]: internalToken(TEST_AUTH_SECRET) });

  /** A browser at `address`, as the web server's proxy vouches for it (see clientAddressOf). */
  const fromAddress = (address: string, cookie: string | null = null) =>
    clientFor(cookie, { [CLIENT_ADDRESS_HEADER]: address, [CLIENT_PROOF_HEADER]: clientAddressProof(TEST_AUTH_SECRET, address) });

  /** A cookie for a new server-side session of `userId`, as a fresh sign-in in another browser gives. */
  const cookieFor = async (userId: string, maxAge = 3600) => {
    const session = await createSession(db, userId, new Date(Date.now() + Math.max(maxAge, 60) * 1000));
    return sessionCookie(userId, session.id, TEST_AUTH_SECRET, maxAge);
  };

  /** Signs a new person up through the real procedure and returns a session cookie for them. */
  async function signUp(name = "Test"): Promise<TestUser> {
    counter += 1;
    const tag = `${Date.now().toString(36)}${counter}`;
    // each from an address of its own, so a file's many sign-ups stay under the per-address limit
    const user = await fromAddress(`198.18.0.${counter}-${tag}`).auth.signUp.mutate({
      email: `${name.toLowerCase()}.${tag}@example.com`,
      password: "correct horse 1",
      displayName: `${name} ${tag}`,
      handle: `${name.toLowerCase().slice(0, 6)}_${tag}`.slice(0, 20),
    });
    return { ...user, cookie: await cookieFor(user.id) };
  }

  /** Records a person's live events; `next(type)` waits for the next one of a type. */
  async function listen(user: TestUser) {
    const events: Array<{ id: string; type: string; payload: Record<string, unknown> }> = [];
    const waiters: Array<() => void> = [];
    let started!: () => void;
    const ready = new Promise<void>((resolve) => (started = resolve));
    const sub = clientFor(user.cookie).events.subscribe.subscribe(
      { lastEventId: null },
      {
        onStarted: () => started(),
        onData: (e) => {
          events.push({ id: e.id, type: e.data.type, payload: e.data.payload });
          for (const w of waiters.splice(0)) w();
        },
      },
    );
    await ready;
    // the server-side LISTEN is in place once the first poll of the stream ran
    await new Promise((r) => setTimeout(r, 50));
    let cursor = 0;
    return {
      events,
      stop: () => sub.unsubscribe(),
      async next(type: string, timeoutMs = 5000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const i = events.findIndex((e, idx) => idx >= cursor && e.type === type);
          if (i >= 0) {
            cursor = i + 1;
            return events[i] as (typeof events)[number];
          }
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`no ${type} event within ${timeoutMs} ms (got ${events.map((e) => e.type).join(", ")})`);
          await new Promise<void>((resolve) => {
            waiters.push(resolve);
            setTimeout(resolve, left);
          });
        }
      },
    };
  }

  return {
    databaseUrl,
    listen,
    baseUrl,
    db,
    bus,
    anonymous,
    internal,
    clientFor,
    fromAddress,
    as: (user: TestUser) => clientFor(user.cookie),
    cookieFor,
    signUp,
    livekit,
    /** runs the ring sweeper as if the clock read `now` */
    sweepAt: (now: Date) => sweepOnce(services, now),
    /** starts the job workers of an API made with `jobsPaused` */
    startJobs: () => jobs.startWorkers(),
    /** the API's job queue (the same object the server queues with: a test may make queueing fail) */
    jobs,
    /** the API's media folders and storage, to check what is (not) left on disk */
    media: services.media,
    /** runs the media sweep (abandoned messages, orphan uploads) as if the clock read `now` */
    sweepMediaAt: (now: Date) => sweepMedia(services, now),
    /** A resumable upload of a recording for `messageId`, by `user`, over raw HTTP tus. */
    upload: (user: TestUser | null, messageId: string, file: string | Uint8Array, uploadOpts: UploadOptions = {}) =>
      tusUpload(baseUrl, user?.cookie ?? null, messageId, file, uploadOpts),
    /** One raw tus request (HEAD, PATCH, DELETE…) to an upload path, as `user`. */
    tus: (user: TestUser | null, method: Parameters<typeof tusRequest>[2], path: string, req: Parameters<typeof tusRequest>[4] = {}) =>
      tusRequest(baseUrl, user?.cookie ?? null, method, path, req),
    /** Waits until a message reaches `status` ("gone": its row is deleted); fails after `timeoutMs`. */
    async waitForMessage(id: string, status: MessageStatus | "gone", timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await getMessage(db, id);
        const now = row ? row.status : "gone";
        if (now === status) return row;
        if (Date.now() > deadline) throw new Error(`message ${id} is "${now}", not "${status}", after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pushService?.stop();
      await jobs.stop();
      await bus.stop();
      await close();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;

/** S3Storage over the run's store; keys hold fresh ids, so tests share its bucket. */
export function testS3Storage(urlTtlSeconds = 300): S3Storage {
  const s3 = inject("s3");
  return new S3Storage({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
    urlTtlSeconds,
  });
}

/** A port nobody listens on right now (the API needs its own address before it starts). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The HTTP status and message a failed call produced, for asserting precise 4xx answers. */
export async function failure(promise: Promise<unknown>): Promise<{ status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TRPCClientError) {
      const data = err.data as { httpStatus?: number } | undefined;
      return { status: data?.httpStatus, message: err.message };
    }
    throw err;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
