/** The background work the API queues for messages (a Postgres job queue runs it: see media/job-queue.ts). */
export interface MessageJobs {
  /**
   * Queues poster, duration, remux and transcript for an uploaded message. Safe to ask again: a
   * message whose job is still waiting or running is not queued a second time.
   */
  enqueueMessage(messageId: string): Promise<void>;
  /**
   * Queues the making of a stopped call recording into a playable Library item (remux, cut at its
   * stop, poster, duration). Safe to ask again, like enqueueMessage.
   */
  enqueueRecording(itemId: string): Promise<void>;
  /**
   * Removes everything stored under a prefix (a message's or an item's folder) in the background,
   * retried with backoff for days until the store confirms: a delete made while the store is down
   * still goes once it is back. Queued in Postgres, so a restart of the API keeps it. Only a folder
   * no row owns when the job runs is removed (a retaken message writes to its old folder).
   */
  enqueueDeletion?(prefix: string): Promise<void>;
}
