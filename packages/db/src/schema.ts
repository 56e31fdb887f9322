import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    handle: text("handle").notNull(),
    displayName: text("display_name").notNull(),
    // null for people who only ever signed in through an OAuth provider
    passwordHash: text("password_hash"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    uniqueIndex("users_handle_key").on(t.handle),
    // search by display name fragment
    index("users_display_name_idx").on(sql`lower(${t.displayName})`),
  ],
);

export const oauthAccounts = pgTable(
  "oauth_accounts",
  {
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] }), index("oauth_accounts_user_idx").on(t.userId)],
);

export const userSettings = pgTable(
  "user_settings",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    acceptCalls: boolean("accept_calls").notNull().default(true),
    ringTimeoutSeconds: integer("ring_timeout_seconds").notNull().default(30),
    silenceUnknownCallers: boolean("silence_unknown_callers").notNull().default(false),
    liveVoicemail: boolean("live_voicemail").notNull().default(true),
    // when off, nobody can leave this person a video message or a voicemail
    acceptMessages: boolean("accept_messages").notNull().default(true),
    allowLivePhotos: boolean("allow_live_photos").notNull().default(true),
    allowRecording: boolean("allow_recording").notNull().default(false),
    // exact-email search finds this person only while it is on
    discoverableByEmail: boolean("discoverable_by_email").notNull().default(true),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("ring_timeout_range", sql`${t.ringTimeoutSeconds} between 30 and 60`)],
);

export const contacts = pgTable(
  "contacts",
  {
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    favorite: boolean("favorite").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.ownerId, t.contactId] }),
    check("contacts_not_self", sql`${t.ownerId} <> ${t.contactId}`),
  ],
);

export const blocks = pgTable(
  "blocks",
  {
    blockerId: uuid("blocker_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    blockedId: uuid("blocked_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.blockerId, t.blockedId] }),
    // "who blocked me" lookups when ringing
    index("blocks_blocked_idx").on(t.blockedId),
    check("blocks_not_self", sql`${t.blockerId} <> ${t.blockedId}`),
  ],
);

export const callKind = pgEnum("call_kind", ["audio", "video"]);
export const callStatus = pgEnum("call_status", ["ringing", "active", "missed", "declined", "cancelled", "ended"]);
export const ringState = pgEnum("ring_state", ["ringing", "answered", "declined", "timeout", "cancelled", "unavailable"]);
export const participantRole = pgEnum("participant_role", ["caller", "callee"]);

export const calls = pgTable(
  "calls",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: callKind("kind").notNull(),
    callerId: uuid("caller_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: callStatus("status").notNull().default("ringing"),
    roomName: text("room_name").notNull(),
    createdAt: createdAt(),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    // earliest deadline of a ring still ringing; the sweeper scans this
    nextDeadline: timestamp("next_deadline", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("calls_room_name_key").on(t.roomName),
    // one ringing call per caller, enforced by Postgres so concurrent starts on any API process agree
    uniqueIndex("calls_one_ringing_per_caller").on(t.callerId).where(sql`${t.status} = 'ringing'`),
    index("calls_next_deadline_idx").on(t.nextDeadline).where(sql`${t.status} = 'ringing' or ${t.nextDeadline} is not null`),
  ],
);

export const callParticipants = pgTable(
  "call_participants",
  {
    callId: uuid("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: participantRole("role").notNull(),
    ringState: ringState("ring_state"),
    // a silent ring never reaches the callee (blocked / silenced) but times out like a real one
    ringSilent: boolean("ring_silent").notNull().default(false),
    ringDeadline: timestamp("ring_deadline", { withTimezone: true }),
    ringEndedAt: timestamp("ring_ended_at", { withTimezone: true }),
    joinedAt: timestamp("joined_at", { withTimezone: true }),
    leftAt: timestamp("left_at", { withTimezone: true }),
    // the last LiveKit token calls.join gave them: until it expires (or they leave after it) they may
    // connect at any moment, so they count as in the call for recording consent
    tokenMintedAt: timestamp("token_minted_at", { withTimezone: true }),
    seenAt: timestamp("seen_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.callId, t.userId] }),
    // the history list: a person's calls, newest first
    index("call_participants_user_time_idx").on(t.userId, t.createdAt.desc()),
    // the history list as it reads (historyFor): only rows it may show, walked newest first and left
    // after a page; the index above made Postgres fetch and sort all of a busy person's rows
    index("call_participants_history_idx")
      // NULLS FIRST is what ORDER BY … DESC means: with NULLS LAST the order does not match and is not used
      .on(t.userId, t.createdAt.desc().nullsFirst())
      .where(sql`${t.role} = 'caller' or not ${t.ringSilent}`),
  ],
);

/**
 * Every ordered pair of people in a call, kept by a trigger on call_participants (migration 0016), so
 * the history "with one person" reads only the calls the two shared, however many calls each has.
 * `createdAt` is `userId`'s participant row's, the order the history lists by.
 */
export const callPairs = pgTable(
  "call_pairs",
  {
    callId: uuid("call_id").notNull(),
    userId: uuid("user_id").notNull(),
    otherId: uuid("other_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.callId, t.userId, t.otherId] }),
    // a pair goes with either participant row (a deleted call or person takes its pairs along)
    foreignKey({ columns: [t.callId, t.userId], foreignColumns: [callParticipants.callId, callParticipants.userId] }).onDelete("cascade"),
    foreignKey({ columns: [t.callId, t.otherId], foreignColumns: [callParticipants.callId, callParticipants.userId] }).onDelete("cascade"),
    // call_id last: the list reads the ids from the index alone
    index("call_pairs_history_idx").on(t.userId, t.otherId, t.createdAt.desc().nullsFirst(), t.callId),
  ],
);

export const mediaKind = pgEnum("media_kind", ["video-message", "voicemail", "live-photo", "recording", "poster"]);

export const mediaObjects = pgTable(
  "media_objects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: mediaKind("kind").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    storageKey: text("storage_key").notNull(),
    durationMs: integer("duration_ms"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("media_objects_storage_key").on(t.storageKey), index("media_objects_owner_idx").on(t.ownerId)],
);

export const messageKind = pgEnum("message_kind", ["video", "voicemail"]);
export const messageStatus = pgEnum("message_status", ["recording", "processing", "ready", "failed"]);
export const transcriptStatus = pgEnum("transcript_status", ["pending", "ready", "failed", "none"]);

/** Postgres full-text vectors (drizzle has no built-in type for them). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * A missed-call message (video message or voicemail). It is created by `messages.begin` as
 * "recording", gets its upload while the sender records, becomes "processing" when the upload is
 * complete and checked, and "ready" (visible to the recipient) when the jobs have made it playable.
 * Rows that never get there are swept with their files.
 */
export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    callId: uuid("call_id").references(() => calls.id, { onDelete: "set null" }),
    senderId: uuid("sender_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    recipientId: uuid("recipient_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: messageKind("kind").notNull(),
    // only "ready" messages are visible to the recipient
    status: messageStatus("status").notNull().default("recording"),
    // the resumable upload (tus id) that carries the recording while it is made
    uploadId: text("upload_id"),
    // the playable file (remuxed, seekable) and the poster frame, as storage keys
    mediaKey: text("media_key"),
    posterKey: text("poster_key"),
    contentType: text("content_type"),
    sizeBytes: bigint("size_bytes", { mode: "number" }),
    durationMs: integer("duration_ms"),
    // peaks in 0..1 for a voicemail's waveform thumbnail
    waveform: jsonb("waveform").$type<number[]>(),
    // a voicemail's LiveKit room while it is being left (the transcriber and a pick-up join it)
    liveRoom: text("live_room"),
    // what the live transcriber heard so far, for a tab that opens mid-voicemail
    liveSegments: jsonb("live_segments").$type<unknown[]>(),
    transcriptStatus: transcriptStatus("transcript_status").notNull().default("pending"),
    transcript: text("transcript"),
    transcriptSegments: jsonb("transcript_segments").$type<unknown[]>(),
    transcriptTsv: tsvector("transcript_tsv").generatedAlwaysAs(sql`to_tsvector('english', coalesce(transcript, ''))`),
    createdAt: createdAt(),
    readyAt: timestamp("ready_at", { withTimezone: true }),
    seenAt: timestamp("seen_at", { withTimezone: true }),
    // the recipient blocked the sender while it was being made: it never reaches them, even after an unblock
    hiddenFromRecipient: boolean("hidden_from_recipient").notNull().default(false),
  },
  (t) => [
    index("messages_recipient_time_idx").on(t.recipientId, t.createdAt.desc()),
    index("messages_sender_time_idx").on(t.senderId, t.createdAt.desc()),
    // the messages list (listMessagesFor), in its exact order (milliseconds, then id), for each of its
    // two halves: received and visible, and sent and complete
    index("messages_received_list_idx")
      .on(t.recipientId, sql`date_trunc('milliseconds', (${t.createdAt} at time zone 'UTC')) desc`, t.id.desc().nullsFirst())
      .where(sql`${t.status} = 'ready' and not ${t.hiddenFromRecipient}`),
    index("messages_sent_list_idx")
      .on(t.senderId, sql`date_trunc('milliseconds', (${t.createdAt} at time zone 'UTC')) desc`, t.id.desc().nullsFirst())
      .where(sql`${t.status} in ('processing', 'ready', 'failed')`),
    index("messages_call_idx").on(t.callId),
    uniqueIndex("messages_upload_key").on(t.uploadId),
    uniqueIndex("messages_live_room_key").on(t.liveRoom),
    // one message per call and sender (a retake replaces the unfinished one)
    uniqueIndex("messages_one_per_call").on(t.callId, t.senderId),
    // abandoned recordings, for the sweeper
    index("messages_unfinished_idx").on(t.createdAt).where(sql`${t.status} in ('recording', 'processing')`),
    index("messages_transcript_tsv_idx").using("gin", t.transcriptTsv),
  ],
);

export const libraryKind = pgEnum("library_kind", ["live-photo", "recording", "saved-message"]);
/**
 * capturing: a Live Photo was taken and its files are on the way; recording: a call recording whose
 * chunks are arriving; processing: made playable by a job; ready: in the Library; failed: kept only
 * so the owner sees it failed.
 */
export const libraryStatus = pgEnum("library_status", ["capturing", "recording", "processing", "ready", "failed"]);

/**
 * What a person keeps: Live Photos they took, calls they recorded and messages they saved. Every
 * item has its own files (a saved message is a copy), so deleting the source never touches it.
 * `size_bytes` is what the item's files take (for a recording in progress, what has arrived), and
 * the sum over an owner's items is what their quota counts.
 */
export const libraryItems = pgTable(
  "library_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: libraryKind("kind").notNull(),
    status: libraryStatus("status").notNull(),
    callId: uuid("call_id").references(() => calls.id, { onDelete: "set null" }),
    // the other people in it: a photo's subject, a recording's participants, a saved message's sender
    people: uuid("people").array().notNull().default(sql`'{}'::uuid[]`),
    // a saved message: where it came from (the message itself may be gone) and what it was
    sourceMessageId: uuid("source_message_id"),
    messageKind: messageKind("message_kind"),
    // a saved message: whether its owner sent it or received it (people[0] is the other person)
    messageDirection: text("message_direction").$type<"sent" | "received">(),
    // the recording's resumable upload (tus id) while it arrives
    uploadId: text("upload_id"),
    // storage keys: the playable file (recording, saved message), a Live Photo's clip, and the still or poster
    mediaKey: text("media_key"),
    contentType: text("content_type"),
    clipKey: text("clip_key"),
    posterKey: text("poster_key"),
    posterType: text("poster_type"),
    width: integer("width"),
    height: integer("height"),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull().default(0),
    durationMs: integer("duration_ms"),
    waveform: jsonb("waveform").$type<number[]>(),
    transcript: text("transcript"),
    transcriptSegments: jsonb("transcript_segments").$type<unknown[]>(),
    // when the moment happened: the shutter press, the recording's start, the message's sending
    capturedAt: timestamp("captured_at", { withTimezone: true }).notNull().defaultNow(),
    // a recording: when it was stopped (what arrives after is cut off) and why
    stoppedAt: timestamp("stopped_at", { withTimezone: true }),
    stopReason: text("stop_reason"),
    // a recording: the last chunk that arrived (a recorder whose tab died goes quiet)
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true }),
    // recording: how many bytes of its upload had arrived once LIBRARY_LIMITS.recordingStopArrivalMs
    // had passed since the stop (null: everything arrived before then); the kept file has no more
    stopOffset: bigint("stop_offset", { mode: "number" }),
    createdAt: createdAt(),
    readyAt: timestamp("ready_at", { withTimezone: true }),
  },
  (t) => [
    // the Library: a person's items, newest first
    index("library_items_owner_time_idx").on(t.ownerId, t.capturedAt.desc()),
    uniqueIndex("library_items_upload_key").on(t.uploadId),
    // one recording at a time per call
    uniqueIndex("library_items_one_recording_per_call").on(t.callId).where(sql`${t.status} = 'recording'`),
    // a message is saved once per person
    uniqueIndex("library_items_saved_message_key").on(t.ownerId, t.sourceMessageId),
    // what was captured in a call, for the call history
    index("library_items_call_idx").on(t.callId),
    // unfinished items, for the sweeper
    index("library_items_unfinished_idx").on(t.createdAt).where(sql`${t.status} in ('capturing', 'recording', 'processing')`),
  ],
);

/**
 * Realtime events: stored so any API process can deliver them and clients can resume from an id.
 * Clients see only `seq`, a per-person sequence, so the ids a person sees say nothing about anyone
 * else's events (a global counter would reveal how many events other people got in between).
 */
export const events = pgTable(
  "events",
  {
    id: bigserial("id", { mode: "bigint" }).primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "bigint" }).notNull(),
    type: text("type").notNull(),
    payload: jsonb("payload").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("events_user_id_idx").on(t.userId, t.id), uniqueIndex("events_user_seq_key").on(t.userId, t.seq)],
);

/** The last event sequence number handed out per person; its row lock orders a person's events. */
export const eventCounters = pgTable("event_counters", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  lastSeq: bigint("last_seq", { mode: "bigint" }).notNull().default(sql`0`),
});

/**
 * Server-side sessions: the session cookie names one of these rows, and the API refuses a cookie
 * whose row is gone (signed out, password changed, account deleted) or expired.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

/**
 * Hits against a rate limit (sign-in guesses per address or account, searches per user), one row a
 * hit, counted over a sliding window and pruned hourly. `bucket` names the limit, `key` who it counts.
 */
export const throttleHits = pgTable(
  "throttle_hits",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    bucket: text("bucket").notNull(),
    key: text("key").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("throttle_hits_bucket_key_at_idx").on(t.bucket, t.key, t.at), index("throttle_hits_at_idx").on(t.at)],
);

/**
 * Web Push subscriptions, one per browser (device) a person turned notifications on in. Each belongs
 * to the session that made it: signing out of that device (or the session expiring) removes it, so a
 * shared computer stops ringing for someone who left. The push service's 404/410 removes it too.
 */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    /** The push service URL; unique: the same browser subscribing again replaces its row. */
    endpoint: text("endpoint").notNull(),
    /** The browser's P-256 ECDH public key and auth secret (base64url), for RFC 8291 encryption. */
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    /** What Settings shows for the device, e.g. "Chrome on Android". */
    label: text("label").notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("push_subscriptions_endpoint_key").on(t.endpoint), index("push_subscriptions_user_idx").on(t.userId)],
);
