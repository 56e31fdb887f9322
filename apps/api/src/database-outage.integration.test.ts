import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@ringback/db/testing";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../../scripts/stack/embedded-postgres";
import { freeTcpPort } from "../../../scripts/stack/ports";
import { startSweeper } from "./calls/sweeper";
import { DATABASE_UNAVAILABLE_MESSAGE } from "./error-reference";
import { readLogLevel } from "./env";
import { createLogger } from "./logger";
import { startTestApi, type TestApi, type TestUser } from "./testing/harness";

/*
 * Postgres goes away under a running API and comes back: meanwhile every door answers 503 with the
 * same readable sentence (no SQL, no stack, no reference), and afterwards the same API process works
 * again without a restart — its pool reconnects, its LISTEN connection re-subscribes and open event
 * streams catch up, and a ring started before the outage is still expired by the sweeper.
 * This file runs its own Postgres (the shared one must stay up for the other files).
 */

let dir: string;
let port: number;
let pg: EmbeddedPostgresHandle;
let api: TestApi;
let sweeper: { stop(): void };
let caller: TestUser;
let callee: TestUser;

const startPostgres = () => startEmbeddedPostgres({ dataDir: join(dir, "data"), port, persistent: true, handleSignals: false });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ringback-outage-pg-"));
  await chmod(dir, 0o755);
  port = await freeTcpPort();
  pg = await startPostgres();
  api = await startTestApi({ databaseUrl: await createTestDatabase(pg.adminUrl, "outage") });
  // the harness sweeps only when a test asks; here the real interval sweeper runs, as in main.ts
  sweeper = startSweeper({ db: api.db, livekit: api.livekit }, 200, createLogger(readLogLevel()));
  caller = await api.signUp("Before");
  callee = await api.signUp("During");
}, 120_000);

afterAll(async () => {
  sweeper?.stop();
  await api?.close();
  await pg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

type Answer = { status: number; retryAfter: string | null; body: string };

async function raw(path: string, init: RequestInit = {}, cookie: string | null = caller.cookie): Promise<Answer> {
  const response = await fetch(`${api.baseUrl}${path}`, { ...init, headers: { ...(cookie ? { cookie } : {}), ...init.headers } });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.text() };
}

/** Nothing of the failure's insides: no SQL, no driver codes, no stack, no reference. */
function expectCalm(answer: Answer) {
  expect(answer.status, answer.body).toBe(503);
  expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  expect(answer.body).toContain(DATABASE_UNAVAILABLE_MESSAGE);
  expect(answer.body).not.toMatch(/select |insert |ECONNREFUSED|CONNECTION_|57P0|at .*\.ts|Reference:|"reference":"/i);
}

describe("Postgres restarting under the API", () => {
  it("answers 503 with a readable message meanwhile and recovers without a restart, losing no ring or event", async () => {
    const events = await api.listen(callee);
    const call = await api.as(caller).calls.start.mutate({ calleeIds: [callee.id], kind: "audio" });
    await events.next("incoming-call");
    // the ring's deadline 6 s out (the shortest setting is 30 s): it falls due while the database is back
    const dueAt = new Date(Date.now() + 6_000);
    await api.db.$client`update calls set next_deadline = ${dueAt.toISOString()} where id = ${call.id}`;
    await api.db.$client`update call_participants set ring_deadline = ${dueAt.toISOString()} where call_id = ${call.id} and ring_deadline is not null`;

    await pg.stop();
    const downAt = Date.now();

    // a tRPC query, a batch, a mutation, the event stream's session check, media, uploads, health
    const err = await api.as(caller).me.get.query().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    const trpcErr = err as TRPCClientError<never>;
    expect(trpcErr.message).toBe(DATABASE_UNAVAILABLE_MESSAGE);
    expect(trpcErr.data).toMatchObject({ httpStatus: 503, code: "SERVICE_UNAVAILABLE" });
    expect((trpcErr.data as unknown as { reference?: string }).reference).toBeUndefined();
    expectCalm(await raw("/api/trpc/me.get,calls.history?batch=1&input={}"));
    expectCalm(await raw("/api/trpc/contacts.add", { method: "POST", body: JSON.stringify({ json: { userId: callee.id } }), headers: { "content-type": "application/json" } }));
    expectCalm(await raw(`/api/trpc/events.subscribe?input=${encodeURIComponent(JSON.stringify({ json: { lastEventId: null } }))}`));
    expectCalm(await raw("/api/media/messages/00000000-0000-4000-8000-000000000000/video"));
    expectCalm(await raw("/api/uploads", { method: "POST", headers: { "tus-resumable": "1.0.0", "upload-length": "10" } }));
    const health = await raw("/healthz", {}, null);
    expect(health.status).toBe(503);
    expect((await raw("/livez", {}, null)).status).toBe(200);
    // a sign-up without any session: the procedure's own queries fail the same way
    const signUp = await api
      .fromAddress("198.18.99.1")
      .auth.signUp.mutate({ email: "outage@example.com", password: "correct horse 1", displayName: "Outage", handle: "outage_x" })
      .catch((e: unknown) => e);
    expect((signUp as TRPCClientError<never>).message).toBe(DATABASE_UNAVAILABLE_MESSAGE);
    const outageMs = Date.now() - downAt;

    pg = await startPostgres();
    const upAt = Date.now();
    // the same process, no restart: poll until the pool has reconnected
    let recoveredMs = -1;
    while (Date.now() - upAt < 30_000) {
      const ok = await api.as(caller).me.get.query().then(
        () => true,
        () => false,
      );
      if (ok) {
        recoveredMs = Date.now() - upAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`[outage] 503s while down for ${outageMs} ms; calls work again ${recoveredMs} ms after Postgres is back`);
    expect(recoveredMs).toBeGreaterThanOrEqual(0);
    expect((await raw("/healthz", {}, null)).status).toBe(200);

    // the ring from before the outage ends missed, on time, and the open stream hears it
    const update = await events.next("call-updated", 20_000);
    expect((update.payload.call as { id: string; status: string }).status).toBe("missed");
    const lateMs = Date.now() - dueAt.getTime();
    console.log(`[outage] the ring ended missed ${lateMs} ms after its deadline`);
    expect(lateMs).toBeLessThan(3_000);

    // an event published after recovery reaches the stream that stayed open through the outage
    const second = await api.as(caller).calls.start.mutate({ calleeIds: [callee.id], kind: "audio" });
    const ring = await events.next("incoming-call", 10_000);
    expect((ring.payload.call as { id: string }).id).toBe(second.id);
    await api.as(caller).calls.cancel.mutate({ callId: second.id });
    await events.next("call-updated", 10_000);
    // nothing twice, nothing out of order on the stream that lived through it
    const ids = events.events.map((e) => BigInt(e.id));
    expect(new Set(ids.map(String)).size).toBe(ids.length);
    expect([...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(ids);
    events.stop();
  }, 90_000);
});
