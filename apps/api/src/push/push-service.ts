import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import { parseRealtimeEvent } from "@ringback/core/events";
import { pushFor, pushMessageSchema, type PushPlan } from "@ringback/core/push";
import { createDb } from "@ringback/db/client";
import { EVENTS_CHANNEL } from "@ringback/db/queries/events";
import { deleteGonePushTarget, getPushTarget, markPushDelivered, pushTargetsOf, ringStillRinging } from "@ringback/db/queries/push";
import { createQueueRetrying, JOB_SCHEMA } from "../jobs/pg-boss-kit";
import type { Logger } from "../logger";
import type { PushConfig } from "./config";
import { sendPush, TransientPushError } from "./send";

export const PUSH_QUEUE = "push-send";

/** One push to one device, as queued. */
type PushJob = {
  subscriptionId: string;
  userId: string;
  message: PushPlan["message"];
  urgency: PushPlan["urgency"];
  expiresAt: string;
  /** times this push was put back because its person's devices were busy (see `deliver`) */
  deferrals?: number;
};

/** Pushes to one person that this process sends at once; the rest wait their turn (see `deliver`). */
const SENDING_PER_PERSON = 2;
/** Workers per process: more than one person can occupy, so everyone else's rings keep flowing. */
const WORKERS = 4;

export type PushServiceOptions = {
  databaseUrl: string;
  config: PushConfig;
  log: Logger;
  /** how often an idle worker looks for pushes queued by another process (this one's wake it at once) */
  pollingIntervalSeconds?: number;
  /** seconds before a failed push is tried again (doubling each time) */
  retryDelaySeconds?: number;
  now?: () => Date;
};

export type PushService = {
  start(): Promise<void>;
  stop(): Promise<void>;
};

/*
 * Web Push off the request path. Every API process LISTENs to the events channel; the event that a
 * change published (and committed: NOTIFY is sent at commit, and never for a rolled-back decoy, so a
 * blocked caller's ring pushes nothing) is turned into one pg-boss job per device of its recipient.
 * Each job's id is derived from (person, what is pushed, device), and pg-boss inserts with ON
 * CONFLICT DO NOTHING, so the same push queued by every API process, or by several events about the
 * same call, is sent once. One worker somewhere sends it; failures are retried with backoff, and
 * 404/410 from the push service removes the subscription.
 */
export function createPushService(opts: PushServiceOptions): PushService {
  const { config, log } = opts;
  // connections of its own (the LISTEN, and the lookups around each send), so a burst of pushes
  // never makes a request wait for a database connection
  const { db, sql, close } = createDb(opts.databaseUrl, { max: 3 });
  const now = opts.now ?? (() => new Date());
  const boss = new PgBoss({
    connectionString: opts.databaseUrl,
    application_name: "ringback-push",
    schema: JOB_SCHEMA,
    max: 2,
    // the media job queue's instance in the same process runs pg-boss's maintenance and schedules
    supervise: false,
    schedule: false,
  });
  boss.on("error", (err) => log.error({ err }, "push queue error"));
  const workerIds: string[] = [];
  /** per person: pushes this process is sending right now */
  const sending = new Map<string, number>();
  let unlisten: (() => Promise<void>) | null = null;
  let started = false;

  async function enqueue(userId: string, plan: PushPlan) {
    const targets = await pushTargetsOf(db, userId);
    if (targets.length === 0) return;
    const jobs = targets.map((t) => ({
      id: jobId(userId, plan.key, t.id),
      name: PUSH_QUEUE,
      data: {
        subscriptionId: t.id,
        userId,
        message: plan.message,
        urgency: plan.urgency,
        expiresAt: plan.expiresAt.toISOString(),
      } satisfies PushJob,
    }));
    await boss.insert(jobs);
    // this process's idle workers start now instead of at their next poll
    for (const id of workerIds) boss.notifyWorker(id);
  }

  function onNotify(payload: string) {
    let stored: { userId: string; type: string; payload: unknown };
    try {
      stored = JSON.parse(payload) as typeof stored;
    } catch {
      return;
    }
    const parsed = parseRealtimeEvent({ type: stored.type, payload: stored.payload });
    if (!parsed.success) return;
    const plan = pushFor(parsed.data, stored.userId, now());
    if (!plan) return;
    enqueue(stored.userId, plan).catch((err: unknown) => log.warn({ err, key: plan.key }, "push not queued"));
  }

  async function deliver(job: PgBoss.JobWithMetadata<PushJob>) {
    const { subscriptionId, userId } = job.data;
    const message = pushMessageSchema.parse(job.data.message);
    const target = await getPushTarget(db, subscriptionId, userId);
    // removed (Settings, sign-out, an earlier 410) since it was queued
    if (!target) return;
    // a ring sent late (a retry, a busy queue) would show "is calling" after it was answered or missed
    if (message.kind === "ring" && message.callId && !(await ringStillRinging(db, message.callId, userId))) {
      log.debug({ subscriptionId, callId: message.callId }, "ring over before its push was sent");
      return;
    }
    const at = now();
    const expiresAt = new Date(job.data.expiresAt);
    if (expiresAt.getTime() <= at.getTime()) {
      log.debug({ subscriptionId, kind: message.kind }, "push expired before it could be sent");
      return;
    }
    // A push service may take up to the send deadline to answer. Without a cap, one person with many
    // devices on a slow service (their own, say) would hold every worker, and others' rings would
    // wait behind them; beyond the cap, this push goes back in the queue for a moment instead.
    const busy = sending.get(userId) ?? 0;
    if (busy >= SENDING_PER_PERSON) {
      await deferJob(job);
      return;
    }
    sending.set(userId, busy + 1);
    let outcome: Awaited<ReturnType<typeof sendPush>>;
    try {
      outcome = await sendPush(target, { message, urgency: job.data.urgency, expiresAt }, config, at);
    } finally {
      const left = (sending.get(userId) ?? 1) - 1;
      if (left > 0) sending.set(userId, left);
      else sending.delete(userId);
    }
    switch (outcome.status) {
      case "delivered":
        await markPushDelivered(db, target.id, at);
        log.debug({ subscriptionId, kind: message.kind }, "push delivered");
        return;
      case "gone":
        await deleteGonePushTarget(db, target.id, target.endpoint);
        log.info({ subscriptionId, statusCode: outcome.statusCode }, "push subscription gone: removed");
        return;
      case "rejected":
        log.warn({ subscriptionId, statusCode: outcome.statusCode, detail: outcome.detail }, "push refused");
        return;
      case "expired":
        log.debug({ subscriptionId, kind: message.kind }, "push expired before it could be sent");
        return;
      default: {
        const _exhaustive: never = outcome;
        return _exhaustive;
      }
    }
  }

  /**
   * Queues `job` again a little later as a new job, done in its place. The id is derived from this
   * job's, so doing it twice (a job run twice) queues it once; it keeps only the retries left, so
   * deferring never lets a failing push be tried more often.
   */
  async function deferJob(job: PgBoss.JobWithMetadata<PushJob>) {
    const deferrals = (job.data.deferrals ?? 0) + 1;
    await boss.insert([
      {
        id: jobId(job.data.userId, `deferred:${job.id}`, job.data.subscriptionId),
        name: PUSH_QUEUE,
        data: { ...job.data, deferrals } satisfies PushJob,
        startAfter: `${Math.min(deferrals, 5)} seconds`,
        retryLimit: Math.max(job.retryLimit - job.retryCount, 0),
      },
    ]);
    log.debug({ subscriptionId: job.data.subscriptionId, deferrals }, "person's pushes busy: push deferred");
  }

  return {
    async start() {
      await boss.start();
      started = true;
      await createQueueRetrying(boss, PUSH_QUEUE, {
        name: PUSH_QUEUE,
        retryLimit: 3,
        retryDelay: opts.retryDelaySeconds ?? 2,
        retryBackoff: true,
        // a push request is cut off 10 s after it starts (send.ts); this only catches a worker that hangs elsewhere
        expireInSeconds: 60,
      });
      const handler = async ([job]: PgBoss.JobWithMetadata<PushJob>[]) => {
        if (!job) return;
        try {
          await deliver(job);
        } catch (err) {
          const last = job.retryCount >= job.retryLimit;
          const statusCode = err instanceof TransientPushError ? err.statusCode : null;
          log.warn({ err, subscriptionId: job.data.subscriptionId, statusCode, attempt: job.retryCount + 1, last }, "push failed");
          throw err;
        }
      };
      // sends wait on the network, not the CPU: a few side by side
      for (let i = 0; i < WORKERS; i += 1) {
        workerIds.push(
          await boss.work<PushJob>(
            PUSH_QUEUE,
            { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 1, batchSize: 1, includeMetadata: true },
            handler,
          ),
        );
      }
      const listening = await sql.listen(EVENTS_CHANNEL, onNotify);
      unlisten = listening.unlisten;
    },

    async stop() {
      await unlisten?.();
      unlisten = null;
      if (started) {
        started = false;
        await boss.stop({ graceful: true, wait: true, timeout: 10_000, close: true });
      }
      await close();
    },
  };
}

/** The same uuid for the same push to the same device, so pg-boss stores it once. */
export function jobId(userId: string, key: string, subscriptionId: string): string {
  const bytes = createHash("sha256").update(`${userId}\n${key}\n${subscriptionId}`).digest().subarray(0, 16);
  // shaped as a name-based (version 5, RFC 4122 variant) uuid
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
