import { createDatabase } from "@ringback/db/embedded";
import { runMigrations } from "@ringback/db/migrate";
import { inject } from "vitest";
import type { TestLivekit } from "./provided-context";

export type { TestLivekit };

let counter = 0;

/**
 * Creates a uniquely named, migrated database on the test server and returns its URL, so each
 * test file (or test) starts from an empty schema and can run in any order.
 */
export async function freshDatabase(adminUrl: string = inject("databaseAdminUrl")): Promise<string> {
  counter += 1;
  const name = `test_${process.pid}_${Date.now().toString(36)}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const url = await createDatabase(adminUrl, name);
  await runMigrations(url);
  return url;
}

/** The LiveKit server the global setup started (or the one LIVEKIT_URL points at). */
export function testLivekit(): TestLivekit {
  return inject("livekit");
}
