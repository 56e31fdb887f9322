import { createDb } from "@ringback/db/client";
import { runMigrations } from "@ringback/db/migrate";
import { readEnv } from "./env";
import { createJobQueue } from "./media/job-queue";
import { mediaServicesFromEnv } from "./media/services";
import { EventBus } from "./events/bus";
import { startSweeper } from "./calls/sweeper";
import { createWebhookHandler } from "./calls/webhook";
import { createLogger } from "./logger";
import { startMaintenance } from "./maintenance";
import { pushConfigFromEnv } from "./push/config";
import { createPushService } from "./push/push-service";
import { isDatabaseUnavailable } from "./error-reference";
import { createApiServer } from "./server";

const env = readEnv();
const log = createLogger(env.LOG_LEVEL);
// postgres.js leaves one rejection of its own unhandled: the array-type lookup of a connection that
// Postgres closes while it opens (a restart). Its queries fail and are answered 503 anyway; that is no
// reason to stop serving. Anything else unhandled still ends the process, as Node would.
process.on("unhandledRejection", (reason) => {
  if (isDatabaseUnavailable(reason)) {
    log.warn({ code: (reason as { code?: unknown }).code }, "database connection lost while it opened");
    return;
  }
  log.fatal({ err: reason }, "unhandled rejection");
  process.exit(1);
});
await runMigrations(env.DATABASE_URL);
const { db, sql, close } = createDb(env.DATABASE_URL);
const bus = new EventBus(sql);
await bus.start();

const livekit = { url: env.LIVEKIT_URL, apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET };
// message processing (remux, poster, transcript) and the media sweep, on Postgres
const jobs = createJobQueue({ databaseUrl: env.DATABASE_URL, log });
const push = pushConfigFromEnv(env);
const services = {
  db,
  bus,
  livekit,
  livekitPublicUrl: env.LIVEKIT_PUBLIC_URL ?? env.LIVEKIT_URL,
  livekitNodeUrls: env.LIVEKIT_NODE_URLS,
  publicUrl: env.PUBLIC_URL,
  internalSecret: env.AUTH_SECRET,
  ...mediaServicesFromEnv(env),
  jobs,
  push,
};
await jobs.start(services);
// Web Push for rings and messages, sent by whichever API process takes the job (after pg-boss is set up above)
const pushService = push ? createPushService({ databaseUrl: env.DATABASE_URL, config: push, log }) : null;
await pushService?.start();
if (!push) log.info("Web Push is off (no VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY)");
const sweeper = startSweeper(services, env.SWEEP_INTERVAL_MS, log);
const maintenance = startMaintenance(db, log);
const server = createApiServer({ ...services, log, authSecret: env.AUTH_SECRET, onWebhook: createWebhookHandler(services) });
server.listen(env.API_PORT, env.API_HOST, () => {
  log.info({ host: env.API_HOST, port: env.API_PORT }, `listening on http://${env.API_HOST}:${env.API_PORT}`);
});

async function shutdown() {
  sweeper.stop();
  maintenance.stop();
  server.close();
  server.closeAllConnections();
  await pushService?.stop();
  await jobs.stop();
  await bus.stop();
  await close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
