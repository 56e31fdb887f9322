// Test-only helpers for the message integration tests (imported by *.integration.test.ts only).
import { createHttpTranscriber } from "../transcriber/http-transcriber";
import { TEST_AUTH_SECRET, type TestApi, type TestUser } from "../testing/harness";
import type { Services } from "../trpc";
import { markReady, uploadFinished } from "./service";

/**
 * The API's services as the service functions take them: the same database, LiveKit and media
 * storage. Jobs are not queued unless `jobs` says otherwise (the recording tests pass the API's real queue).
 */
export function servicesOf(api: TestApi, opts: { jobs?: Services["jobs"] } = {}): Services {
  return {
    db: api.db,
    bus: api.bus,
    livekit: api.livekit,
    livekitPublicUrl: api.livekit.url,
    publicUrl: "http://localhost:3000",
    apiUrl: api.baseUrl,
    internalSecret: TEST_AUTH_SECRET,
    media: api.media,
    jobs: opts.jobs ?? { enqueueMessage: async () => {}, enqueueRecording: async () => {} },
    transcriber: createHttpTranscriber({ liveUrl: null, fileUrl: null, fileApiKey: null, fileModel: "base", timeoutMs: 5_000 }),
  };
}

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

/** Two people; the callee knows the caller (has them as a contact), so messages are allowed. */
export async function knownPair(api: TestApi, names: [string, string] = ["Ann", "Bo"]): Promise<{ a: TestUser; b: TestUser }> {
  const a = await api.signUp(names[0]);
  const b = await api.signUp(names[1]);
  await api.as(b).contacts.add.mutate({ userId: a.id });
  return { a, b };
}

/** A call from `a` to `b` that rang out unanswered; returns its id. */
export async function unansweredCall(api: TestApi, a: TestUser, b: TestUser, kind: "audio" | "video" = "video"): Promise<string> {
  const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind });
  // every ring is over at 61 s; the call counts as ended at its ring's deadline
  await api.sweepAt(later(61));
  return call.id;
}

/**
 * Brings a begun message to "ready" as the upload pipeline would (upload complete, then the jobs'
 * results), without uploading: the pipeline has its own tests.
 */
export async function deliver(services: Services, messageId: string, opts: { transcript?: string; durationMs?: number; file?: string } = {}) {
  const durationMs = opts.durationMs ?? 5_000;
  // a stand-in for the playable file the jobs would store, so that removing it can be checked
  if (opts.file) await services.media.storage.putFile(`messages/${messageId}/message.webm`, opts.file);
  await uploadFinished(services, messageId, { contentType: "video/webm", sizeBytes: 1234, durationMs });
  const text = opts.transcript ?? null;
  await markReady(services, messageId, {
    mediaKey: `messages/${messageId}/message.webm`,
    posterKey: `messages/${messageId}/poster.jpg`,
    contentType: "video/webm",
    sizeBytes: 1234,
    durationMs,
    waveform: null,
    transcript: text
      ? {
          text,
          segments: [{ startMs: 0, endMs: durationMs, text, words: text.split(" ").map((w, i) => ({ text: w, startMs: i * 300, endMs: i * 300 + 250 })) }],
        }
      : null,
    transcriptStatus: text ? "ready" : "none",
  });
}
