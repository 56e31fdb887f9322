import { z } from "zod";
import { displayNameSchema } from "./schemas";

export const RING_TIMEOUT_MIN_SECONDS = 30;
export const RING_TIMEOUT_MAX_SECONDS = 60;

const RING_TIMEOUT_MESSAGE = "Ring timeout must be between 30 and 60 seconds";

export const settingsSchema = z.object({
  displayName: displayNameSchema,
  acceptCalls: z.boolean(),
  ringTimeoutSeconds: z
    .number({ error: RING_TIMEOUT_MESSAGE })
    .int({ error: RING_TIMEOUT_MESSAGE })
    .min(RING_TIMEOUT_MIN_SECONDS, { error: RING_TIMEOUT_MESSAGE })
    .max(RING_TIMEOUT_MAX_SECONDS, { error: RING_TIMEOUT_MESSAGE }),
  silenceUnknownCallers: z.boolean(),
  liveVoicemail: z.boolean(),
  // when off, callers are offered no video message or voicemail (what a blocked caller sees too)
  acceptMessages: z.boolean(),
  allowLivePhotos: z.boolean(),
  allowRecording: z.boolean(),
  // exact-email search finds the person only while this is on
  discoverableByEmail: z.boolean(),
});

export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Omit<Settings, "displayName"> = {
  acceptCalls: true,
  ringTimeoutSeconds: 30,
  silenceUnknownCallers: false,
  liveVoicemail: true,
  acceptMessages: true,
  allowLivePhotos: true,
  allowRecording: false,
  discoverableByEmail: true,
};

// A key sent as `undefined` (or an unknown key, which zod strips) does not count as an update.
export const settingsUpdateInput = settingsSchema
  .partial()
  .refine((update) => Object.values(update).some((value) => value !== undefined), {
    error: "Nothing to update",
  });

export type SettingsUpdateInput = z.infer<typeof settingsUpdateInput>;

/** Applies a parsed partial update; keys given as `undefined` keep their current value. */
export function applySettingsUpdate(current: Settings, update: SettingsUpdateInput): Settings {
  const next: Settings = { ...current };
  // Spelled out per key (not a spread) so an explicit `undefined` can never erase a setting.
  if (update.displayName !== undefined) next.displayName = update.displayName;
  if (update.acceptCalls !== undefined) next.acceptCalls = update.acceptCalls;
  if (update.ringTimeoutSeconds !== undefined) next.ringTimeoutSeconds = update.ringTimeoutSeconds;
  if (update.silenceUnknownCallers !== undefined) next.silenceUnknownCallers = update.silenceUnknownCallers;
  if (update.liveVoicemail !== undefined) next.liveVoicemail = update.liveVoicemail;
  if (update.acceptMessages !== undefined) next.acceptMessages = update.acceptMessages;
  if (update.allowLivePhotos !== undefined) next.allowLivePhotos = update.allowLivePhotos;
  if (update.allowRecording !== undefined) next.allowRecording = update.allowRecording;
  if (update.discoverableByEmail !== undefined) next.discoverableByEmail = update.discoverableByEmail;
  return next;
}
