import { lt } from "drizzle-orm";
import type { Database } from "../client";
import { events, sessions, throttleHits } from "../schema";

/** Drops what is only useful for a while: delivered events, expired sessions, old rate-limit hits. */
export async function pruneBefore(db: Database, cutoff: { events: Date; throttleHits: Date; sessions: Date }) {
  const e = await db.delete(events).where(lt(events.createdAt, cutoff.events)).returning({ id: events.id });
  const t = await db.delete(throttleHits).where(lt(throttleHits.at, cutoff.throttleHits)).returning({ id: throttleHits.id });
  const s = await db.delete(sessions).where(lt(sessions.expiresAt, cutoff.sessions)).returning({ id: sessions.id });
  return { events: e.length, throttleHits: t.length, sessions: s.length };
}
