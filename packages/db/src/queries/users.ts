import { and, eq, ilike, isNull, ne, or, sql } from "drizzle-orm";
import type { Database } from "../client";
import { isUniqueViolation } from "../errors";
import { blocks, contacts, oauthAccounts, sessions, userSettings, users } from "../schema";

export type PublicUser = { id: string; email: string; handle: string; displayName: string };

const publicColumns = { id: users.id, email: users.email, handle: users.handle, displayName: users.displayName };

export type CreateUserResult = { ok: true; user: PublicUser } | { ok: false; conflict: "email" | "handle" };

/** Inserts a user; a unique violation comes back as data, not as an exception. */
export async function createUser(
  db: Database,
  input: { email: string; handle: string; displayName: string; passwordHash: string | null },
): Promise<CreateUserResult> {
  // the user and their settings row are one unit: never a user without settings
  const user = await db.transaction(async (tx) => {
    const [row] = await tx.insert(users).values(input).onConflictDoNothing().returning(publicColumns);
    if (row) await tx.insert(userSettings).values({ userId: row.id });
    return row;
  });
  if (user) return { ok: true, user };
  const [taken] = await db.select({ email: users.email }).from(users).where(eq(users.email, input.email)).limit(1);
  return { ok: false, conflict: taken ? "email" : "handle" };
}

export async function findUserByEmail(db: Database, email: string) {
  const [row] = await db
    .select({ ...publicColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  return row ?? null;
}

export async function findUserById(db: Database, id: string): Promise<PublicUser | null> {
  const [row] = await db.select(publicColumns).from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

/** The stored password hash (null for OAuth-only accounts), or undefined when there is no such user. */
export async function findPasswordHash(db: Database, id: string): Promise<string | null | undefined> {
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, id)).limit(1);
  return row ? row.passwordHash : undefined;
}

/** Sets a new password hash and ends every other session of the person, in one transaction. */
export async function changePasswordHash(db: Database, id: string, passwordHash: string, keepSessionId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, id));
    await tx.delete(sessions).where(and(eq(sessions.userId, id), ne(sessions.id, keepSessionId)));
  });
}

/**
 * Deletes an account; everything that is theirs (sessions, settings, contacts, calls, events) cascades.
 * With `checkedHash`, only while the password is still the one that was checked (null: still none),
 * so a password changed between the check and this delete (by the owner, to lock a thief out) wins.
 */
export async function deleteUser(db: Database, id: string, checkedHash?: string | null): Promise<boolean> {
  const stillChecked =
    checkedHash === undefined ? undefined : checkedHash === null ? isNull(users.passwordHash) : eq(users.passwordHash, checkedHash);
  const rows = await db.delete(users).where(and(eq(users.id, id), stillChecked)).returning({ id: users.id });
  return rows.length > 0;
}

export async function updateDisplayName(db: Database, id: string, displayName: string) {
  await db.update(users).set({ displayName }).where(eq(users.id, id));
}

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Finds people by handle prefix, exact email or display-name fragment, with my relation to each.
 * The exact-email match only finds people who left "Let people find me by email" on; handle and
 * name matches are unaffected, since both are shown to anyone who calls or is called anyway.
 */
export async function searchUsers(db: Database, viewerId: string, query: string, limit = 20) {
  const q = escapeLike(query.toLowerCase().replace(/^@/, ""));
  return db
    .select({
      id: users.id,
      handle: users.handle,
      displayName: users.displayName,
      isContact: sql<boolean>`${contacts.contactId} is not null`,
      isBlocked: sql<boolean>`${blocks.blockedId} is not null`,
    })
    .from(users)
    .leftJoin(contacts, and(eq(contacts.ownerId, viewerId), eq(contacts.contactId, users.id)))
    .leftJoin(blocks, and(eq(blocks.blockerId, viewerId), eq(blocks.blockedId, users.id)))
    .leftJoin(userSettings, eq(userSettings.userId, users.id))
    .where(
      and(
        ne(users.id, viewerId),
        or(
          ilike(users.handle, `${q}%`),
          and(eq(users.email, query.toLowerCase()), eq(userSettings.discoverableByEmail, true)),
          ilike(users.displayName, `%${q}%`),
        ),
      ),
    )
    .orderBy(sql`${users.handle} <> ${q}`, users.displayName)
    .limit(limit);
}

/**
 * The user behind an OAuth account: the one linked before, else the account with the same verified
 * email (linked now), else a new account. Runs in one transaction so two first sign-ins cannot race.
 */
export async function upsertOAuthUser(
  db: Database,
  input: { provider: string; providerAccountId: string; email: string; emailVerified: boolean; displayName: string; handleBase: string },
): Promise<PublicUser> {
  // a first sign-in racing another for the same account loses on a unique key; the second pass then
  // finds what the winner wrote
  for (let attempt = 0; ; attempt++) {
    try {
      return await upsertOAuthUserOnce(db, input);
    } catch (err) {
      const raced = isUniqueViolation(err, "oauth_accounts_provider_provider_account_id_pk") || isUniqueViolation(err, "users_email_key");
      if (!raced || attempt >= 2) throw err;
    }
  }
}

async function upsertOAuthUserOnce(
  db: Database,
  input: { provider: string; providerAccountId: string; email: string; emailVerified: boolean; displayName: string; handleBase: string },
): Promise<PublicUser> {
  return db.transaction(async (tx) => {
    const [linked] = await tx
      .select(publicColumns)
      .from(oauthAccounts)
      .innerJoin(users, eq(users.id, oauthAccounts.userId))
      .where(and(eq(oauthAccounts.provider, input.provider), eq(oauthAccounts.providerAccountId, input.providerAccountId)))
      .limit(1);
    if (linked) return linked;
    const [existing] = await tx.select(publicColumns).from(users).where(eq(users.email, input.email)).limit(1);
    // an unverified email must never take over someone's account
    if (existing && !input.emailVerified) throw new OAuthEmailTakenError();
    const user = existing ?? (await insertWithFreeHandle(tx, input));
    await tx.insert(oauthAccounts).values({ provider: input.provider, providerAccountId: input.providerAccountId, userId: user.id });
    return user;
  });
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** A new password-less user whose handle is the base, or the base with a number when taken. */
async function insertWithFreeHandle(tx: Tx, input: { email: string; displayName: string; handleBase: string }): Promise<PublicUser> {
  for (let attempt = 0; attempt <= 20; attempt++) {
    const suffix = attempt === 0 ? "" : `_${Math.floor(Math.random() * 10_000)}`;
    const handle = `${input.handleBase.slice(0, 20 - suffix.length)}${suffix}`;
    // only a taken handle is skipped here; a taken email is a race the caller retries
    const [user] = await tx
      .insert(users)
      .values({ email: input.email, handle, displayName: input.displayName, passwordHash: null })
      .onConflictDoNothing({ target: users.handle })
      .returning(publicColumns);
    if (user) {
      await tx.insert(userSettings).values({ userId: user.id });
      return user;
    }
  }
  throw new Error("could not find a free handle");
}

export class OAuthEmailTakenError extends Error {
  constructor() {
    super("An account with this email already exists. Sign in with your password.");
  }
}
