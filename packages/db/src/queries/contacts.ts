import { and, asc, desc, eq } from "drizzle-orm";
import type { Database } from "../client";
import { contacts, users } from "../schema";

const contactColumns = {
  userId: users.id,
  handle: users.handle,
  displayName: users.displayName,
  favorite: contacts.favorite,
  addedAt: contacts.createdAt,
};

export type ContactRow = { userId: string; handle: string; displayName: string; favorite: boolean; addedAt: Date };

export async function listContacts(db: Database, ownerId: string): Promise<ContactRow[]> {
  return db
    .select(contactColumns)
    .from(contacts)
    .innerJoin(users, eq(users.id, contacts.contactId))
    .where(eq(contacts.ownerId, ownerId))
    .orderBy(desc(contacts.favorite), asc(users.displayName));
}

export async function getContact(db: Database, ownerId: string, contactId: string): Promise<ContactRow | null> {
  const [row] = await db
    .select(contactColumns)
    .from(contacts)
    .innerJoin(users, eq(users.id, contacts.contactId))
    .where(and(eq(contacts.ownerId, ownerId), eq(contacts.contactId, contactId)))
    .limit(1);
  return row ?? null;
}

/** Adds a contact; adding one twice keeps the first (and its favourite flag). */
export async function addContact(db: Database, ownerId: string, contactId: string) {
  await db.insert(contacts).values({ ownerId, contactId }).onConflictDoNothing();
}

export async function removeContact(db: Database, ownerId: string, contactId: string): Promise<boolean> {
  const rows = await db
    .delete(contacts)
    .where(and(eq(contacts.ownerId, ownerId), eq(contacts.contactId, contactId)))
    .returning({ id: contacts.contactId });
  return rows.length > 0;
}

export async function setFavorite(db: Database, ownerId: string, contactId: string, favorite: boolean) {
  const rows = await db
    .update(contacts)
    .set({ favorite })
    .where(and(eq(contacts.ownerId, ownerId), eq(contacts.contactId, contactId)))
    .returning({ id: contacts.contactId });
  return rows.length > 0;
}
