import type PgBoss from "pg-boss";

/** pg-boss's tables (its default schema), shared by the media job queue and the push queue. */
export const JOB_SCHEMA = "pgboss";

const DEADLOCK = "40P01";

/**
 * Creates (or updates) a queue, retrying a deadlock: several API processes starting together on a
 * fresh database each run pg-boss's CREATE/ALTER of the queue's partition, and Postgres picks a loser.
 * The queue then exists, so the retry is a quick no-op.
 */
export async function createQueueRetrying(boss: PgBoss, name: string, options: PgBoss.Queue, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(name, options);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== DEADLOCK || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
    }
  }
}
