import { and, count, eq, gte, lt } from "drizzle-orm";
import type { Database } from "../client";
import { events, signInFailures } from "../schema";

export async function recentSignInFailures(db: Database, email: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(signInFailures)
    .where(and(eq(signInFailures.email, email), gte(signInFailures.failedAt, since)));
  return row?.n ?? 0;
}

export async function recordSignInFailure(db: Database, email: string, at: Date) {
  await db.insert(signInFailures).values({ email, failedAt: at });
}

export async function clearSignInFailures(db: Database, email: string) {
  await db.delete(signInFailures).where(eq(signInFailures.email, email));
}

/** Drops what is only useful for a while: delivered events and old sign-in failures. */
export async function pruneBefore(db: Database, cutoff: { events: Date; signInFailures: Date }) {
  const e = await db.delete(events).where(lt(events.createdAt, cutoff.events)).returning({ id: events.id });
  const f = await db.delete(signInFailures).where(lt(signInFailures.failedAt, cutoff.signInFailures)).returning({ id: signInFailures.id });
  return { events: e.length, signInFailures: f.length };
}
