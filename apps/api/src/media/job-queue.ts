import PgBoss from "pg-boss";
import { getLibraryItem } from "@ringback/db/queries/library";
import { getMessage } from "@ringback/db/queries/messages";
import { failRecording } from "../library/recording-finish";
import { processRecording } from "../library/recording-jobs";
import { startRecordingWatchdog } from "../library/recording-watchdog";
import type { Logger } from "../logger";
import { createQueueRetrying, JOB_SCHEMA } from "../jobs/pg-boss-kit";
import { markFailed } from "../messages/service";
import type { Services } from "../trpc";
import type { MessageJobs } from "./jobs";
import { processMessage } from "./process-message";
import { checkKey } from "./s3-storage";
import { sweepMedia } from "./sweep";

export const MESSAGE_QUEUE = "message-process";
export const RECORDING_QUEUE = "recording-process";
export const SWEEP_QUEUE = "media-sweep";
export const DELETE_QUEUE = "media-delete";

export type JobQueueOptions = {
  databaseUrl: string;
  log: Logger;
  /** how often an idle worker looks for jobs queued by another process (this one's wake it at once) */
  pollingIntervalSeconds?: number;
  /** jobs this process runs side by side (a long transcription should not hold up a short message) */
  concurrency?: number;
  /** seconds before a failed job runs again */
  retryDelaySeconds?: number;
  /** run the once-a-minute media sweep (pg-boss's cron: one process runs each minute's) */
  sweep?: boolean;
  /**
   * how often this process looks for recordings whose recorder vanished (default 5 s; 0: never, for
   * tests that drive it with their own clock)
   */
  recordingCheckMs?: number;
};

export type JobQueue = MessageJobs & {
  /**
   * Connects and starts the workers (they need the services, which hold this queue). With
   * `workers: false` jobs are only queued until startWorkers() (tests that act before a job runs).
   */
  start(services: Services, opts?: { workers?: boolean }): Promise<void>;
  startWorkers(): Promise<void>;
  /** Stops taking jobs, lets running ones finish (up to a limit) and closes the queue's connections. */
  stop(): Promise<void>;
};

type MessageJob = { messageId: string };
type RecordingJob = { itemId: string };
type DeleteJob = { prefix: string };

/**
 * Message processing on Postgres (pg-boss): a job per uploaded message, retried twice, then the
 * message is marked failed. Every API process runs workers; Postgres hands each job to one of them.
 */
export function createJobQueue(opts: JobQueueOptions): JobQueue {
  const { log } = opts;
  const boss = new PgBoss({
    connectionString: opts.databaseUrl,
    application_name: "ringback-jobs",
    schema: JOB_SCHEMA,
    max: 4,
    schedule: opts.sweep ?? true,
  });
  boss.on("error", (err) => log.error({ err }, "job queue error"));
  const workerIds: string[] = [];
  const recordingWorkerIds: string[] = [];
  const deleteWorkerIds: string[] = [];
  let started = false;
  let startWorkers = async () => {};
  let watchdog: { stop(): void } | null = null;

  /** Queues a job unless one for the same thing is still waiting, retrying or running. */
  async function sendOnce(queue: string, key: string, value: string, data: object) {
    // asked again when an earlier queueing may have failed (a retried last PATCH, a resume's HEAD, the
    // recording watchdog): a job still waiting, retrying or running is enough (a rare second one that
    // races past this finds its item no longer processing and does nothing)
    const { rows } = await boss
      .getDb()
      .executeSql(`select 1 from ${JOB_SCHEMA}.job where name = $1 and data->>'${key}' = $2 and state < 'completed' limit 1`, [queue, value]);
    if (rows.length === 0) await boss.send(queue, data);
  }

  return {
    async enqueueMessage(messageId) {
      await sendOnce(MESSAGE_QUEUE, "messageId", messageId, { messageId } satisfies MessageJob);
      // this process's idle worker starts now instead of at its next poll
      for (const id of workerIds) boss.notifyWorker(id);
    },

    async enqueueRecording(itemId) {
      // a queue of its own: an hour-long recording's remux must not hold up messages, nor they it
      await sendOnce(RECORDING_QUEUE, "itemId", itemId, { itemId } satisfies RecordingJob);
      for (const id of recordingWorkerIds) boss.notifyWorker(id);
    },

    async enqueueDeletion(prefix) {
      // only a message's or an item's own folder, never the whole bucket
      if (!/^(messages|library)\/[0-9a-f-]{36}\/$/.test(checkKey(prefix))) throw new Error(`Invalid deletion prefix "${prefix}"`);
      await sendOnce(DELETE_QUEUE, "prefix", prefix, { prefix } satisfies DeleteJob);
      for (const id of deleteWorkerIds) boss.notifyWorker(id);
    },

    startWorkers: () => startWorkers(),

    async start(services, startOpts = {}) {
      await boss.start();
      started = true;
      await createQueueRetrying(boss, MESSAGE_QUEUE, {
        name: MESSAGE_QUEUE,
        retryLimit: 2,
        retryDelay: opts.retryDelaySeconds ?? 5,
        // a 3-minute message transcribes in well under this; a stuck ffmpeg is killed before it
        expireInSeconds: 15 * 60,
      });
      await createQueueRetrying(boss, RECORDING_QUEUE, {
        name: RECORDING_QUEUE,
        retryLimit: 2,
        retryDelay: opts.retryDelaySeconds ?? 5,
        // copying an hour of recording takes a minute or two; a stuck ffmpeg is killed before this
        expireInSeconds: 30 * 60,
      });
      await createQueueRetrying(boss, DELETE_QUEUE, {
        name: DELETE_QUEUE,
        // a store down for a day still gets its deletions: delays double from retryDelay (5 s) up to
        // about 11 hours, some 45 hours of tries in all
        retryLimit: 14,
        retryDelay: opts.retryDelaySeconds ?? 5,
        retryBackoff: true,
        expireInSeconds: 10 * 60,
      });
      const deleteHandler = async ([job]: PgBoss.JobWithMetadata<DeleteJob>[]) => {
        if (!job) return;
        const { prefix } = job.data;
        try {
          // only a folder no row owns: a message deletes its files before its row (the row may not be
          // gone yet: tried again later), and a message retaken while the store was down writes its
          // new files to the same folder, which this must not remove
          const [kind, id = ""] = prefix.split("/");
          const owner = kind === "messages" ? await getMessage(services.db, id) : await getLibraryItem(services.db, id);
          if (owner) throw new Error(`${prefix} still belongs to a ${kind === "messages" ? "message" : "Library item"}`);
          await services.media.storage.deletePrefix(prefix);
          log.info({ prefix, attempt: job.retryCount + 1 }, "stored files deleted after the store came back");
        } catch (err) {
          const last = job.retryCount >= job.retryLimit;
          if (last) log.error({ err, prefix }, "deleting stored files failed for good; they stay in the store");
          else log.warn({ err, prefix, attempt: job.retryCount + 1 }, "deleting stored files failed; will retry");
          throw err;
        }
      };
      const recordingHandler = async ([job]: PgBoss.JobWithMetadata<RecordingJob>[]) => {
        if (!job) return;
        const { itemId } = job.data;
        try {
          const outcome = await processRecording(services, itemId, log);
          log.info({ itemId, outcome, attempt: job.retryCount + 1 }, "recording processed");
        } catch (err) {
          const last = job.retryCount >= job.retryLimit;
          log.warn({ err, itemId, attempt: job.retryCount + 1, last }, "recording processing failed");
          if (last) await failRecording(services, itemId);
          throw err;
        }
      };
      const handler = async ([job]: PgBoss.JobWithMetadata<MessageJob>[]) => {
        if (!job) return;
        const { messageId } = job.data;
        try {
          const outcome = await processMessage(services, messageId, log);
          log.info({ messageId, outcome, attempt: job.retryCount + 1 }, "message processed");
        } catch (err) {
          const last = job.retryCount >= job.retryLimit;
          log.warn({ err, messageId, attempt: job.retryCount + 1, last }, "message processing failed");
          if (last) await markFailed(services, messageId);
          throw err;
        }
      };
      startWorkers = async () => {
        if (workerIds.length > 0) return;
        deleteWorkerIds.push(
          // retries are seconds to hours apart, and a new deletion wakes this process's worker at once
          await boss.work<DeleteJob>(DELETE_QUEUE, { pollingIntervalSeconds: Math.max(opts.pollingIntervalSeconds ?? 0.5, 2), batchSize: 1, includeMetadata: true }, deleteHandler),
        );
        recordingWorkerIds.push(
          await boss.work<RecordingJob>(
            RECORDING_QUEUE,
            { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 0.5, batchSize: 1, includeMetadata: true },
            recordingHandler,
          ),
        );
        for (let i = 0; i < (opts.concurrency ?? 2); i += 1) {
          workerIds.push(
            await boss.work<MessageJob>(
              MESSAGE_QUEUE,
              { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 0.5, batchSize: 1, includeMetadata: true },
              handler,
            ),
          );
        }
      };
      if (startOpts.workers ?? true) await startWorkers();
      const checkMs = opts.recordingCheckMs ?? 5_000;
      if (checkMs > 0) watchdog = startRecordingWatchdog(services, checkMs, log);
      if (opts.sweep ?? true) {
        await createQueueRetrying(boss, SWEEP_QUEUE, { name: SWEEP_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 5 * 60 });
        await boss.schedule(SWEEP_QUEUE, "* * * * *");
        await boss.work(SWEEP_QUEUE, { pollingIntervalSeconds: 5 }, async () => {
          const swept = await sweepMedia(services, new Date());
          const library = swept.library.captures + swept.library.stuck + swept.library.recorders + swept.library.uploads;
          if (swept.messages + swept.uploads + library > 0) log.info(swept, "abandoned messages and Library leftovers swept");
        });
      }
    },

    async stop() {
      watchdog?.stop();
      watchdog = null;
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, wait: true, timeout: 10_000, close: true });
    },
  };
}
