import type {} from "../../../../scripts/test-env/provided-context";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createDb } from "../client";
import { createTestDatabase } from "../testing";
import { historyFor } from "./calls";

// The history "with one person" reads call_pairs (kept by a trigger); these pin it to the plain
// definition: my visible rows (a callee's silent ring never shows) in calls the other person was in.

let conn: ReturnType<typeof createDb>;
const people: string[] = [];
const base = Date.parse("2026-01-01T00:00:00Z");

beforeAll(async () => {
  conn = createDb(await createTestDatabase(inject("databaseAdminUrl"), "history"), { max: 2 });
  const { sql } = conn;
  for (let n = 0; n < 5; n++) {
    const [row] = await sql<{ id: string }[]>`
      insert into users (email, handle, display_name) values (${`h${n}@test.local`}, ${`h${n}`}, ${`Person ${n}`}) returning id`;
    if (row) people.push(row.id);
  }
  // a small fixed pseudo-random mix: one to three callees, every ring outcome, about a quarter silent
  let seed = 7;
  const next = (m: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % m;
  };
  const states = ["answered", "declined", "timeout", "cancelled", "unavailable"] as const;
  for (let i = 0; i < 90; i++) {
    const id = randomUUID();
    // ISO strings: this client is given no Date serializer outside drizzle
    const at = new Date(base + i * 60_000).toISOString();
    const order = [...people].sort(() => next(3) - 1);
    const [caller, ...rest] = order;
    if (!caller) throw new Error("no people");
    const callees = rest.slice(0, 1 + next(3));
    await sql`insert into calls (id, kind, caller_id, status, room_name, created_at)
      values (${id}, 'audio', ${caller}, 'ended', ${`room_${id}`}, ${at})`;
    const rows = [
      { call_id: id, user_id: caller, role: "caller", ring_state: null, ring_silent: false, created_at: at },
      ...callees.map((u) => ({ call_id: id, user_id: u, role: "callee", ring_state: states[next(5)] ?? "timeout", ring_silent: next(4) === 0, created_at: at })),
    ];
    // every fifth call gets its last callee in a second statement (someone added to a group call)
    const [first, later] = i % 5 === 0 && rows.length > 2 ? [rows.slice(0, -1), rows.slice(-1)] : [rows, []];
    await sql`insert into call_participants ${sql(first)}`;
    if (later.length > 0) await sql`insert into call_participants ${sql(later)}`;
  }
});
afterAll(() => conn.close());

/** historyFor's meaning, spelled the straightforward way (the query it had before call_pairs). */
async function reference(me: string, other: string, missedOnly: boolean, limit: number, before?: Date) {
  const after = before?.toISOString() ?? null;
  const rows = await conn.sql<{ call_id: string }[]>`
    select p.call_id from call_participants p
    where p.user_id = ${me} and (p.role = 'caller' or not p.ring_silent)
      and (${after}::timestamptz is null or p.created_at < ${after})
      and (not ${missedOnly} or (p.role = 'callee' and p.ring_state in ('timeout', 'cancelled', 'unavailable')))
      and exists (select 1 from call_participants o where o.call_id = p.call_id and o.user_id = ${other})
    order by p.created_at desc
    limit ${limit}`;
  return rows.map((r) => r.call_id);
}

describe("historyFor with one person", () => {
  it("lists exactly the plain definition's calls, page by page, for every pair, missed or not", async () => {
    let compared = 0;
    for (const me of people) {
      for (const other of people) {
        for (const missedOnly of [false, true]) {
          let before: Date | undefined;
          for (;;) {
            const page = await historyFor(conn.db, me, { missedOnly, withUserId: other, limit: 4, before });
            expect(page.map((c) => c.id)).toEqual(await reference(me, other, missedOnly, 4, before));
            compared += page.length;
            const last = page.at(-1);
            if (page.length < 4 || !last) break;
            before = last.participants.find((p) => p.userId === me)?.createdAt;
          }
        }
      }
    }
    // the pairs above covered many calls, with oneself too (every call of one's own)
    expect(compared).toBeGreaterThan(200);
  });

  it("hides my silent rings from my list but shows them in the caller's", async () => {
    const [row] = await conn.sql<{ call_id: string; caller: string; callee: string }[]>`
      select p.call_id, c.caller_id as caller, p.user_id as callee
      from call_participants p join calls c on c.id = p.call_id
      where p.role = 'callee' and p.ring_silent limit 1`;
    if (!row) throw new Error("the seed has no silent ring");
    const ids = async (me: string, other: string) =>
      (await historyFor(conn.db, me, { missedOnly: false, withUserId: other, limit: 500 })).map((c) => c.id);
    expect(await ids(row.caller, row.callee)).toContain(row.call_id);
    expect(await ids(row.callee, row.caller)).not.toContain(row.call_id);
  });

  it("keeps a pair for every two people in a call, also when one is added later, and drops them with the person", async () => {
    const [missing] = await conn.sql<{ n: number }[]>`
      select count(*)::int as n from call_participants a
      join call_participants b on b.call_id = a.call_id and b.user_id <> a.user_id
      left join call_pairs p on p.call_id = a.call_id and p.user_id = a.user_id and p.other_id = b.user_id
      where p.call_id is null or p.created_at <> a.created_at`;
    expect(missing?.n).toBe(0);
    const gone = people[4] ?? "";
    await conn.sql`delete from users where id = ${gone}`;
    const [left] = await conn.sql<{ n: number }[]>`select count(*)::int as n from call_pairs where user_id = ${gone} or other_id = ${gone}`;
    expect(left?.n).toBe(0);
  });
});
