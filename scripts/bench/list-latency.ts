/**
 * Benchmark: the Calls history and the messages list at 1M and 10M call rows. Run alone:
 * `pnpm exec tsx scripts/bench/list-latency.ts [--rows 1000000,10000000] [--runs 200]`.
 *
 * Seeds a throw-away embedded Postgres (its own data dir, deleted at the end; never the dev data)
 * with generate_series: 100k people, calls between them (60 % answered, 25 % missed, 10 % declined,
 * 5 % cancelled; 2 % of missed rings silent), one message on every tenth call, and two heavy users
 * each in 1 % of all calls (100k at 10M): the first has a tenth of them with the same partner, and the
 * two share one call in 100k (100 at 10M). Then it calls the routers the web calls (calls.history all /
 * missed / with one person, messages.list first page and a deep page) as the heavy user, many times
 * each, and prints p50/p99 and each query's EXPLAIN (ANALYZE, BUFFERS). "With one person" is timed in
 * every shape: with the partner, heavy me + a light person, a light person + heavy other, and the two
 * heavy users.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";
import postgres from "postgres";
import { appRouter } from "@ringback/api/router";
import type { Database } from "@ringback/db/client";
import { runMigrations } from "@ringback/db/migrate";
import * as schema from "@ringback/db/schema";
import { startEmbeddedPostgres } from "../stack/embedded-postgres";
import { freeTcpPort } from "../stack/ports";
import { loadAverage, runWhenStarted, type BenchRow } from "./bench-row";

export type ListLatencyOptions = { rows: number[]; runs: number; explain?: boolean; log?: (line: string) => void };

const PEOPLE = 100_000;

// drizzle as @ringback/db itself loads it (same instance), to wrap a client that reports its statements
const fromDb = createRequire(new URL("../../packages/db/package.json", import.meta.url));
const { drizzle } = (await import(pathToFileURL(fromDb.resolve("drizzle-orm/postgres-js")).href)) as {
  drizzle: (client: postgres.Sql, config: { schema: typeof schema }) => Database;
};
const GOAL_P99_MS = 15;

type Captured = { query: string; params: unknown[] };

export async function run(opts: ListLatencyOptions): Promise<BenchRow[]> {
  const log = opts.log ?? console.log;
  const dir = await mkdtemp(join(tmpdir(), "ringback-list-bench-"));
  await chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, "pg"), port: await freeTcpPort(), persistent: false });
  const rows: BenchRow[] = [];
  // every statement the routers send, so each can be EXPLAINed with its real parameters
  let capture: Captured[] | null = null;
  const sql = postgres(pg.url, {
    max: 4,
    onnotice: () => {},
    debug: (_conn, query, params) => capture?.push({ query, params: params as unknown[] }),
  });
  try {
    await runMigrations(pg.url);
    const db = drizzle(sql, { schema });
    await sql`set synchronous_commit = off`;
    log(`seeding ${PEOPLE.toLocaleString()} people…`);
    await sql.unsafe(`
      insert into users (email, handle, display_name, created_at)
      select 'p' || n || '@bench.test', 'p' || n, 'Person ' || n, now() - interval '400 days' from generate_series(1, ${PEOPLE}) n;
      create table bench_people as select row_number() over (order by handle) as n, id from users;
      create unique index on bench_people (n);
    `);
    const [heavy] = await sql<{ id: string }[]>`select id from bench_people where n = 1`;
    const [partner] = await sql<{ id: string }[]>`select id from bench_people where n = 2`;
    const [heavy2] = await sql<{ id: string }[]>`select id from bench_people where n = 3`;
    if (!heavy || !partner || !heavy2) throw new Error("seeding people failed");

    let seeded = 0;
    for (const target of [...opts.rows].sort((a, b) => a - b)) {
      const t0 = performance.now();
      await seedCalls(sql, seeded, target, (line) => log(line));
      seeded = target;
      log(`  ${target.toLocaleString()} calls seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s (load ${loadAverage()})`);
      const [counts] = await sql<{ mine: number; msgs: number }[]>`
        select (select count(*)::int from call_participants where user_id = ${heavy.id}) as mine,
               (select count(*)::int from messages where sender_id = ${heavy.id} or recipient_id = ${heavy.id}) as msgs`;
      log(`  the heavy user is in ${counts?.mine.toLocaleString()} calls and has ${counts?.msgs.toLocaleString()} messages`);

      // a light person (about 2 calls in 100k) whose newest call was with the heavy user
      const [light] = await sql<{ id: string }[]>`
        select o.user_id as id from call_participants o
        where o.call_id = (select call_id from call_participants where user_id = ${heavy.id} order by created_at desc limit 1)
          and o.user_id <> ${heavy.id}`;
      if (!light) throw new Error("seeding calls failed");
      const callerFor = (id: string) =>
        appRouter.createCaller({ db, user: { id, sessionId: id } } as unknown as Parameters<typeof appRouter.createCaller>[0]);
      const caller = callerFor(heavy.id);
      const lightCaller = callerFor(light.id);
      const deep = await caller.messages.list({ limit: 50 });
      const deepCursor = deep.at(-1);
      const history = await caller.calls.history({ limit: 50 });
      const cases: Array<{ name: string; call: () => Promise<unknown> }> = [
        { name: "calls.history (all, first page)", call: () => caller.calls.history({ limit: 50 }) },
        { name: "calls.history (next page)", call: () => caller.calls.history({ limit: 50, cursor: history.nextCursor ?? undefined }) },
        { name: "calls.history (missed)", call: () => caller.calls.history({ limit: 50, filter: "missed" }) },
        { name: "calls.history (with one person)", call: () => caller.calls.history({ limit: 50, withUserId: partner.id }) },
        { name: "calls.history (with one person: heavy me, light other)", call: () => caller.calls.history({ limit: 50, withUserId: light.id }) },
        { name: "calls.history (with one person: light me, heavy other)", call: () => lightCaller.calls.history({ limit: 50, withUserId: heavy.id }) },
        { name: "calls.history (with one person: both heavy, few shared)", call: () => caller.calls.history({ limit: 50, withUserId: heavy2.id }) },
        {
          name: "calls.history (with one person: both heavy, missed)",
          call: () => caller.calls.history({ limit: 50, withUserId: heavy2.id, filter: "missed" }),
        },
        { name: "messages.list (first page)", call: () => caller.messages.list({ limit: 50 }) },
        {
          name: "messages.list (next page)",
          call: () => caller.messages.list({ limit: 50, before: deepCursor ? { createdAt: deepCursor.createdAt.toISOString(), id: deepCursor.id } : undefined }),
        },
        { name: "messages.list (with one person)", call: () => caller.messages.list({ limit: 50, withUserId: partner.id }) },
      ];
      const label = target >= 1_000_000 ? `${target / 1_000_000}M` : String(target);
      for (const c of cases) {
        for (let i = 0; i < 5; i++) await c.call();
        const samples: number[] = [];
        for (let i = 0; i < opts.runs; i++) {
          const s = performance.now();
          await c.call();
          samples.push(performance.now() - s);
        }
        samples.sort((a, b) => a - b);
        const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? NaN;
        log(`  ${c.name} at ${label}: p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms (load ${loadAverage()})`);
        rows.push({ metric: `${c.name} p99, ${label} calls`, value: pct(99), unit: "ms", goal: target >= 10_000_000 ? { op: "<", value: GOAL_P99_MS } : undefined, note: `p50 ${pct(50).toFixed(1)} ms` });
        if (opts.explain ?? true) {
          capture = [];
          await c.call();
          const statements = capture;
          capture = null;
          for (const s of statements) {
            const plan = await sql.unsafe(`explain (analyze, buffers) ${s.query}`, s.params as never[]);
            log(`    ${s.query.replace(/\s+/g, " ").slice(0, 160)}`);
            for (const line of plan) log(`      ${(line as Record<string, string>)["QUERY PLAN"]}`);
          }
        }
      }
    }
  } finally {
    capture = null;
    await sql.end({ timeout: 5 });
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Calls number `from` to `to` (exclusive), with their participants and messages, in batches. */
async function seedCalls(sql: postgres.Sql, from: number, to: number, log: (line: string) => void) {
  const BATCH = 1_000_000;
  // spread over about a year, newest last: call i happened (10M - i) × 3 s ago
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    await sql.begin(async (tx) => {
      await tx.unsafe(`set local synchronous_commit = off`);
      // rows made here are consistent by construction: skip the per-row foreign key triggers (3× faster)
      await tx.unsafe(`set local session_replication_role = replica`);
      await tx.unsafe(`
        create temp table seed on commit drop as
        select i, gen_random_uuid() as id,
          now() - (10000000 - i) * interval '3 seconds' as at,
          case when i % 100 = 0 and (i / 100) % 2 = 0 then 1
               when i % 100 = 50 and (i / 100) % 2 = 0 then 3
               else 4 + (i * 7919) % ${PEOPLE - 3} end as caller_n,
          case when i % 100 = 0 and (i / 100) % 2 = 1 then 1
               when i % 100 = 0 and (i / 100) % 10 = 0 then 2
               when i % 100 = 50 and (i / 100) % 2 = 1 then 3
               -- the two heavy users share one call in 100k
               when i % 100 = 50 and (i / 100) % 1000 = 0 then 1
               else 4 + (i * 104729 + 13) % ${PEOPLE - 3} end as callee_n,
          (i / 100 * 37 + i * 31) % 100 as outcome
        from generate_series(${start}::bigint, ${end - 1}::bigint) i`);
      // a call with oneself is impossible: move the callee along
      await tx.unsafe(`update seed set callee_n = 4 + (callee_n - 3) % ${PEOPLE - 3} where callee_n = caller_n`);
      await tx.unsafe(`
        insert into calls (id, kind, caller_id, status, room_name, created_at, answered_at, ended_at)
        select s.id, case when s.i % 3 = 0 then 'audio' else 'video' end::call_kind, c.id,
          (case when s.outcome < 60 then 'ended' when s.outcome < 85 then 'missed' when s.outcome < 95 then 'declined' else 'cancelled' end)::call_status,
          'call_' || s.id, s.at,
          case when s.outcome < 60 then s.at + interval '5 seconds' end,
          s.at + interval '30 seconds'
        from seed s join bench_people c on c.n = s.caller_n`);
      await tx.unsafe(`
        insert into call_participants (call_id, user_id, role, ring_state, ring_silent, ring_ended_at, joined_at, left_at, created_at)
        select s.id, c.id, 'caller', null, false, null, s.at, s.at + interval '30 seconds', s.at
        from seed s join bench_people c on c.n = s.caller_n`);
      await tx.unsafe(`
        insert into call_participants (call_id, user_id, role, ring_state, ring_silent, ring_ended_at, joined_at, left_at, created_at)
        select s.id, p.id, 'callee',
          (case when s.outcome < 60 then 'answered' when s.outcome < 85 then 'timeout' when s.outcome < 95 then 'declined' else 'cancelled' end)::ring_state,
          s.outcome between 60 and 61, s.at + interval '5 seconds',
          case when s.outcome < 60 then s.at + interval '5 seconds' end,
          case when s.outcome < 60 then s.at + interval '30 seconds' end,
          s.at
        from seed s join bench_people p on p.n = s.callee_n`);
      // what the call_participants_pairs trigger (off here, like the foreign keys) would have added
      await tx.unsafe(`
        insert into call_pairs (call_id, user_id, other_id, created_at)
        select s.id, pair.user_id, pair.other_id, s.at
        from seed s join bench_people c on c.n = s.caller_n join bench_people p on p.n = s.callee_n
        cross join lateral (values (c.id, p.id), (p.id, c.id)) as pair(user_id, other_id)`);
      await tx.unsafe(`
        insert into messages (call_id, sender_id, recipient_id, kind, status, media_key, content_type, size_bytes, duration_ms, created_at, ready_at)
        select s.id, c.id, p.id, case when s.i % 20 = 3 then 'voicemail' else 'video' end::message_kind, 'ready', 'bench/' || s.id, 'video/webm', 100000, 5000,
          s.at + interval '40 seconds', s.at + interval '45 seconds'
        from seed s join bench_people c on c.n = s.caller_n join bench_people p on p.n = s.callee_n
        where s.i % 10 = 3 or (s.i % 100 = 0 and s.i % 300 = 0)`);
    });
    log(`    … ${end.toLocaleString()} calls`);
  }
  await sql.unsafe(`vacuum analyze calls, call_participants, call_pairs, messages`);
}

runWhenStarted(import.meta.url, () => {
  const { values } = parseArgs({
    options: { rows: { type: "string", default: "1000000,10000000" }, runs: { type: "string", default: "200" }, quick: { type: "boolean", default: false } },
  });
  const sizes = values.quick ? [1_000_000] : values.rows.split(",").map(Number);
  return run({ rows: sizes, runs: Number(values.runs) });
});
