import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = ReturnType<typeof createDb>["db"];
export type Sql = postgres.Sql;

/** Opens a pooled connection; the caller owns it and must `close()` it. */
export function createDb(url: string, opts: { max?: number } = {}) {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    // postgres.js waits longer after every failed connect, up to 20 s (shared by the whole pool), and
    // queries wait with it: after a Postgres restart the API would hang requests and stay down for up
    // to 20 s more. Refused connects are cheap, so retry soon and fail each waiting query quickly.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    connect_timeout: 5,
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}
