import { eq } from "drizzle-orm";
import type { Database } from "../client";
import { userSettings, users } from "../schema";

export type StoredSettings = {
  displayName: string;
  acceptCalls: boolean;
  ringTimeoutSeconds: number;
  silenceUnknownCallers: boolean;
  liveVoicemail: boolean;
  acceptMessages: boolean;
  allowLivePhotos: boolean;
  allowRecording: boolean;
  discoverableByEmail: boolean;
};

const settingsColumns = {
  displayName: users.displayName,
  acceptCalls: userSettings.acceptCalls,
  ringTimeoutSeconds: userSettings.ringTimeoutSeconds,
  silenceUnknownCallers: userSettings.silenceUnknownCallers,
  liveVoicemail: userSettings.liveVoicemail,
  acceptMessages: userSettings.acceptMessages,
  allowLivePhotos: userSettings.allowLivePhotos,
  allowRecording: userSettings.allowRecording,
  discoverableByEmail: userSettings.discoverableByEmail,
};

/** Settings rows are created with the user; defaults live in the column definitions. */
export async function getSettings(db: Database, userId: string): Promise<StoredSettings | null> {
  const [row] = await db
    .select(settingsColumns)
    .from(users)
    .innerJoin(userSettings, eq(userSettings.userId, users.id))
    .where(eq(users.id, userId))
    .limit(1);
  return row ?? null;
}


/** Writes both tables in one transaction so a half-applied update never shows. */
export async function updateSettings(db: Database, userId: string, patch: Partial<StoredSettings>) {
  const { displayName, ...rest } = patch;
  await db.transaction(async (tx) => {
    if (displayName !== undefined) await tx.update(users).set({ displayName }).where(eq(users.id, userId));
    if (Object.keys(rest).length > 0)
      await tx.update(userSettings).set({ ...rest, updatedAt: new Date() }).where(eq(userSettings.userId, userId));
  });
  return getSettings(db, userId);
}
