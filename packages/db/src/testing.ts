import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { runMigrations } from "./migrate";

/** Creates a uniquely named, migrated database next to `adminUrl` so each test file starts empty. */
export async function createTestDatabase(adminUrl: string, prefix = "test"): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return url.toString();
}
