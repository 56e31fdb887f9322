import { z } from "zod";
import { cleanExternalName, instantSchema, singleLineText } from "./text";

// Messages are shown to people as-is (the API flattens zod issues into the error text), so each
// schema reports one readable sentence rather than zod's defaults.
const EMAIL_MESSAGE = "Enter a valid email address";
const PASSWORD_MESSAGE = "Password must be at least 8 characters and include a letter and a number";
const PASSWORD_TOO_LONG_MESSAGE = "Password must be at most 128 characters";
const PASSWORD_CHARACTERS_MESSAGE = "Password can't contain control or invalid characters";
const HANDLE_MESSAGE = "Handle must be 3 to 20 characters: letters, numbers, underscore";
const DISPLAY_NAME_MESSAGE = "Display name must be 1 to 60 characters";
const CALLEE_COUNT_MESSAGE = "A call can ring 1 to 8 people";

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const MAX_CALLEES = 8;

// Trim and lowercase before the format check so " Ann@Example.COM " signs in as the same account.
export const emailSchema = z
  .string({ error: EMAIL_MESSAGE })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: EMAIL_MESSAGE }).max(254, { error: EMAIL_MESSAGE }));

// One issue per failure: a too-long password aborts before the strength rule would add a second,
// misleading "at least 8 characters" message.
export const passwordSchema = z
  .string({ error: PASSWORD_MESSAGE })
  .max(PASSWORD_MAX_LENGTH, { error: PASSWORD_TOO_LONG_MESSAGE, abort: true })
  // a lone surrogate has no UTF-8 form, so two different passwords would hash alike; control
  // characters cannot be typed into a password field, so they only ever mean garbage
  .refine((value) => !/\p{Surrogate}|\p{Cc}/u.test(value), { error: PASSWORD_CHARACTERS_MESSAGE, abort: true })
  .refine(
    (value) => value.length >= PASSWORD_MIN_LENGTH && /\p{L}/u.test(value) && /\d/.test(value),
    { error: PASSWORD_MESSAGE },
  );

export const handleSchema = z
  .string({ error: HANDLE_MESSAGE })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_]{3,20}$/, { error: HANDLE_MESSAGE });

export const DISPLAY_NAME_MAX_LENGTH = 60;

export const displayNameSchema = singleLineText({
  label: "Display name",
  min: 1,
  max: DISPLAY_NAME_MAX_LENGTH,
  tooShort: DISPLAY_NAME_MESSAGE,
  tooLong: DISPLAY_NAME_MESSAGE,
});

/** A name from an OAuth provider, made to fit the display-name rules (null when nothing usable). */
export const providerNameSchema = z
  .string({ error: "Name must be text" })
  .max(1000, { error: "Name is too long" })
  .nullish()
  .transform((name) => (name == null ? null : cleanExternalName(name, DISPLAY_NAME_MAX_LENGTH)));

/** The address the web server saw a sign-in come from (an IP, or "unknown"): printable, no spaces. */
export const clientAddressSchema = z
  .string({ error: "Not a valid client address" })
  .trim()
  .regex(/^[\x21-\x7e]{1,100}$/, { error: "Not a valid client address" });

// Providers' account ids are short printable tokens (GitHub and Google use digits).
export const providerAccountIdSchema = z
  .string({ error: "Not a valid provider account id" })
  .regex(/^[\x21-\x7e]{1,200}$/, { error: "Not a valid provider account id" });

// Lowercased so an uppercase copy of an id compares equal in JS (e.g. the "can't call yourself"
// check) exactly as Postgres' uuid type already treats it.
export const userIdSchema = z.uuid({ error: "Not a valid user id" }).toLowerCase();
export const callIdSchema = z.uuid({ error: "Not a valid call id" }).toLowerCase();

export const signUpInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  displayName: displayNameSchema,
  handle: handleSchema,
});

export const signInInput = z.object({
  email: emailSchema,
  // No strength rule here: accounts are matched by hash, and the rule may change over time.
  password: z
    .string({ error: "Enter your password" })
    .min(1, { error: "Enter your password" })
    .max(PASSWORD_MAX_LENGTH, { error: PASSWORD_TOO_LONG_MESSAGE }),
});

export const searchInput = z.object({
  query: singleLineText({
    label: "Search",
    min: 1,
    max: 100,
    tooShort: "Type at least one character",
    tooLong: "Search is limited to 100 characters",
  }),
});

export const userRefInput = z.object({ userId: userIdSchema });

export const favoriteInput = z.object({
  userId: userIdSchema,
  favorite: z.boolean({ error: "Favorite must be true or false" }),
});

export const callKindSchema = z.enum(["audio", "video"], { error: "Call kind must be audio or video" });

export const startCallInput = z.object({
  calleeIds: z
    .array(userIdSchema, { error: CALLEE_COUNT_MESSAGE })
    .min(1, { error: CALLEE_COUNT_MESSAGE })
    .max(MAX_CALLEES, { error: CALLEE_COUNT_MESSAGE })
    .refine((ids) => new Set(ids).size === ids.length, {
      error: "Each person can only be rung once",
      // Only compare ids once the list itself is valid: each bad id or a bad count has its own message.
      when: (payload) => payload.issues.length === 0,
    }),
  kind: callKindSchema,
});

export const callRefInput = z.object({ callId: callIdSchema });

export const answerInput = z.object({
  callId: callIdSchema,
  kind: callKindSchema,
  /** Also hand back the LiveKit join grant, saving the browser a calls.join round trip on Accept. */
  join: z.boolean({ error: "Join must be true or false" }).optional(),
});

export const historyInput = z.object({
  filter: z.enum(["all", "missed"], { error: "Filter must be all or missed" }).default("all"),
  withUserId: userIdSchema.optional(),
  limit: z
    .number({ error: "Limit must be a whole number from 1 to 100" })
    .int({ error: "Limit must be a whole number from 1 to 100" })
    .min(1, { error: "Limit must be a whole number from 1 to 100" })
    .max(100, { error: "Limit must be a whole number from 1 to 100" })
    .default(50),
  // the createdAt of the last row seen, as calls.history returns it
  cursor: instantSchema("Not a valid cursor").optional(),
});

export const eventsInput = z.object({
  lastEventId: z
    .string({ error: "Not a valid event id" })
    // 18 digits always fit Postgres' bigint
    .regex(/^\d{1,18}$/, { error: "Not a valid event id" })
    .nullish(),
});

export type Email = z.infer<typeof emailSchema>;
export type Handle = z.infer<typeof handleSchema>;
export type SignUpInput = z.infer<typeof signUpInput>;
export type SignInInput = z.infer<typeof signInInput>;
export type SearchInput = z.infer<typeof searchInput>;
export type UserRefInput = z.infer<typeof userRefInput>;
export type FavoriteInput = z.infer<typeof favoriteInput>;
export type CallKindInput = z.infer<typeof callKindSchema>;
export type StartCallInput = z.infer<typeof startCallInput>;
export type CallRefInput = z.infer<typeof callRefInput>;
export type AnswerInput = z.infer<typeof answerInput>;
/** Parsed history query: defaults applied (`filter`, `limit` always present). */
export type HistoryInput = z.infer<typeof historyInput>;
/** What a client may send to `calls.history` (defaults not yet applied). */
export type HistoryInputRaw = z.input<typeof historyInput>;
export type EventsInput = z.infer<typeof eventsInput>;
