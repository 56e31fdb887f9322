import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missedSeenEvent } from "@ringback/core/events";
import { publishEvents } from "@ringback/db/queries/events";
import { createPasswordSession, createSession, touchSession } from "@ringback/db/queries/sessions";
import { findPasswordHash } from "@ringback/db/queries/users";
import { failure, startTestApi, TEST_AUTH_SECRET, type TestApi } from "../testing/harness";
import { sessionCookie, sessionCookieWithoutExpiry } from "../testing/node-client";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const SIGNED_OUT = { status: 401, message: "Please sign in" };

/** What the web server does at sign-in: start a session through the internal procedure, sign a cookie naming it. */
async function signIn(userId: string) {
  const { sessionId } = await api.internal.auth.startSession.mutate({ userId });
  return { sessionId, cookie: await sessionCookie(userId, sessionId, TEST_AUTH_SECRET) };
}

describe("server-side sessions", () => {
  it("only the web server can start or end sessions", async () => {
    const u = await api.signUp("Starter");
    expect(await failure(api.anonymous.auth.startSession.mutate({ userId: u.id }))).toEqual({ status: 403, message: "Not allowed" });
    expect(await failure(api.as(u).auth.startSession.mutate({ userId: u.id }))).toEqual({ status: 403, message: "Not allowed" });
    const { sessionId } = await signIn(u.id);
    expect((await failure(api.as(u).auth.endSession.mutate({ sessionId, userId: u.id }))).status).toBe(403);
    expect(await failure(api.internal.auth.startSession.mutate({ userId: randomUUID() }))).toEqual({ status: 404, message: "No such user" });
  });

  it("refuses tokens without an expiry, without a session id, or naming someone else's or an unknown session", async () => {
    const u = await api.signUp("Tokens");
    const other = await api.signUp("Other");
    const mine = await signIn(u.id);
    const theirs = await signIn(other.id);
    expect((await api.clientFor(mine.cookie).me.get.query()).id).toBe(u.id);

    const noExp = await sessionCookieWithoutExpiry({ sub: u.id, sid: mine.sessionId }, TEST_AUTH_SECRET);
    expect(await failure(api.clientFor(noExp).me.get.query())).toEqual(SIGNED_OUT);
    const noSid = await sessionCookie(u.id, null, TEST_AUTH_SECRET);
    expect(await failure(api.clientFor(noSid).me.get.query())).toEqual(SIGNED_OUT);
    const borrowed = await sessionCookie(u.id, theirs.sessionId, TEST_AUTH_SECRET);
    expect(await failure(api.clientFor(borrowed).me.get.query())).toEqual(SIGNED_OUT);
    const invented = await sessionCookie(u.id, randomUUID(), TEST_AUTH_SECRET);
    expect(await failure(api.clientFor(invented).me.get.query())).toEqual(SIGNED_OUT);
  });

  it("signing out ends the session: the old cookie gets 401, other sessions live on", async () => {
    const u = await api.signUp("Leaver");
    const laptop = await signIn(u.id);
    const phone = await signIn(u.id);
    await api.clientFor(laptop.cookie).auth.signOut.mutate();
    expect(await failure(api.clientFor(laptop.cookie).me.get.query())).toEqual(SIGNED_OUT);
    expect(await failure(api.clientFor(laptop.cookie).auth.signOut.mutate())).toEqual(SIGNED_OUT);
    expect((await api.clientFor(phone.cookie).me.get.query()).id).toBe(u.id);

    // next-auth's sign-out event takes the internal path with the token's ids
    await api.internal.auth.endSession.mutate({ sessionId: phone.sessionId, userId: u.id });
    expect(await failure(api.clientFor(phone.cookie).me.get.query())).toEqual(SIGNED_OUT);
  });

  it("notes when a session was last used, at most every few minutes, and slides its expiry", async () => {
    const u = await api.signUp("Regular");
    const { sessionId, cookie } = await signIn(u.id);
    const row = () => api.db.query.sessions.findFirst({ where: (t, { eq }) => eq(t.id, sessionId) });
    const fresh = await row();
    await api.clientFor(cookie).me.get.query();
    // just used: no write
    expect((await row())?.lastSeenAt).toEqual(fresh?.lastSeenAt);

    // last used ten minutes ago (touchSession with a clock set back)
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await touchSession(api.db, sessionId, longAgo, new Date(Date.now() + 60_000), longAgo);
    expect((await row())?.lastSeenAt).toEqual(longAgo);
    await api.clientFor(cookie).me.get.query();
    const touched = await row();
    expect(touched?.lastSeenAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(touched?.expiresAt.getTime()).toBeGreaterThanOrEqual(fresh?.expiresAt.getTime() ?? Infinity);

    // an expired session is refused even though its cookie is still within its own lifetime
    const expired = await createSession(api.db, u.id, new Date(Date.now() - 1000));
    expect(await failure(api.clientFor(await sessionCookie(u.id, expired.id, TEST_AUTH_SECRET)).me.get.query())).toEqual(SIGNED_OUT);
  });

  it("an event stream opened before sign-out delivers nothing after it", async () => {
    const u = await api.signUp("Streamer");
    const stream = await api.listen(u);
    await publishEvents(api.db, [{ userId: u.id, event: missedSeenEvent() }]);
    await stream.next("missed-seen");
    await api.as(u).auth.signOut.mutate();
    await publishEvents(api.db, [{ userId: u.id, event: missedSeenEvent() }]);
    await expect(stream.next("missed-seen", 1500)).rejects.toThrow(/no missed-seen event/);
    stream.stop();
  });

  it("a password change ends every other session and keeps the current one", async () => {
    const u = await api.signUp("Changer");
    const here = await signIn(u.id);
    const elsewhere = await signIn(u.id);
    await api.clientFor(here.cookie).auth.changePassword.mutate({ currentPassword: "correct horse 1", newPassword: "battery staple 2" });

    expect((await api.clientFor(here.cookie).me.get.query()).id).toBe(u.id);
    expect(await failure(api.clientFor(elsewhere.cookie).me.get.query())).toEqual(SIGNED_OUT);
    expect(await failure(api.as(u).settings.get.query())).toEqual(SIGNED_OUT);

    const verify = (password: string) => api.internal.auth.verifyCredentials.mutate({ email: u.email, password, clientAddress: "192.0.2.10" });
    expect((await verify("battery staple 2")).outcome).toBe("ok");
    expect((await verify("correct horse 1")).outcome).toBe("wrong");
  });

  it("a password sign-in's session is tied to the password it checked: a change right after it ends that session", async () => {
    const u = await api.signUp("Racer");
    const signedIn = await api.internal.auth.verifyCredentials.mutate({ email: u.email, password: "correct horse 1", clientAddress: "192.0.2.12" });
    // the session comes with the check itself, not from a later startSession call the change could precede
    const sessionId = signedIn.outcome === "ok" ? signedIn.sessionId : null;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const cookie = await sessionCookie(u.id, sessionId, TEST_AUTH_SECRET);
    expect((await api.clientFor(cookie).me.get.query()).id).toBe(u.id);

    await api.as(u).auth.changePassword.mutate({ currentPassword: "correct horse 1", newPassword: "battery staple 2" });
    expect(await failure(api.clientFor(cookie).me.get.query())).toEqual(SIGNED_OUT);
  });

  it("a password change still committing when a sign-in stores its session wins: no session for the old password", async () => {
    const u = await api.signUp("Overlap");
    const checkedHash = await findPasswordHash(api.db, u.id);
    if (!checkedHash) throw new Error("a signed-up user has a password");
    const expiresAt = new Date(Date.now() + 60_000);
    let stored: Promise<unknown> = Promise.resolve("not started");
    await api.db.$client.begin(async (sql) => {
      await sql`update users set password_hash = 'changed meanwhile' where id = ${u.id}`;
      stored = createPasswordSession(api.db, u.id, checkedHash, expiresAt);
      // it must wait for this change rather than read the old hash beside it
      await new Promise((r) => setTimeout(r, 300));
    });
    expect(await stored).toBeNull();
    // and a check against the hash that is stored still starts one
    expect(await createPasswordSession(api.db, u.id, "changed meanwhile", expiresAt)).toMatchObject({ expiresAt });
  });

  it("a password change needs the right current password and a valid new one", async () => {
    const u = await api.signUp("Careful");
    const me = api.as(u);
    expect(await failure(me.auth.changePassword.mutate({ currentPassword: "not it 1", newPassword: "battery staple 2" }))).toEqual({
      status: 400,
      message: "Your current password is not right",
    });
    expect(await failure(me.auth.changePassword.mutate({ currentPassword: "correct horse 1", newPassword: "short" }))).toEqual({
      status: 400,
      message: "Password must be at least 8 characters and include a letter and a number",
    });
    expect(await failure(me.auth.changePassword.mutate({ currentPassword: "correct horse 1", newPassword: "correct horse 1" }))).toEqual({
      status: 400,
      message: "Choose a new password that differs from the current one",
    });
    // nothing changed, nothing ended
    expect((await me.me.get.query()).hasPassword).toBe(true);
    expect(await failure(api.anonymous.auth.changePassword.mutate({ currentPassword: "x", newPassword: "battery staple 2" }))).toEqual(SIGNED_OUT);
  });

  it("slows down guessing the current password from a signed-in browser", async () => {
    const u = await api.signUp("Snooper");
    for (let i = 0; i < 5; i++) {
      expect((await failure(api.as(u).auth.changePassword.mutate({ currentPassword: `guess ${i}`, newPassword: "battery staple 2" }))).status).toBe(400);
    }
    expect(await failure(api.as(u).auth.changePassword.mutate({ currentPassword: "correct horse 1", newPassword: "battery staple 2" }))).toEqual({
      status: 429,
      message: "Too many attempts. Try again in 1 second.",
    });
  });

  it("a stolen session guessing the current password cannot stop the owner from changing it", async () => {
    const u = await api.signUp("Robbed");
    const thief = await signIn(u.id);
    for (let i = 0; i < 8; i++) {
      await failure(api.clientFor(thief.cookie).auth.changePassword.mutate({ currentPassword: `guess ${i}`, newPassword: "battery staple 2" }));
    }
    expect((await failure(api.clientFor(thief.cookie).auth.changePassword.mutate({ currentPassword: "guess 9", newPassword: "battery staple 2" }))).status).toBe(429);
    // the owner's own browser is not slowed by the thief's guesses, and the change ends the thief's session
    await api.as(u).auth.changePassword.mutate({ currentPassword: "correct horse 1", newPassword: "battery staple 2" });
    expect(await failure(api.clientFor(thief.cookie).me.get.query())).toEqual(SIGNED_OUT);
  });

  it("an OAuth-only account has no password to change", async () => {
    const linked = await api.internal.auth.oauthSignIn.mutate({
      provider: "github",
      providerAccountId: `gh-${randomUUID()}`,
      email: `oauth.${Date.now()}@example.com`,
      emailVerified: true,
      name: "Octo",
    });
    const { cookie } = await signIn(linked.id);
    expect((await api.clientFor(cookie).me.get.query()).hasPassword).toBe(false);
    expect(await failure(api.clientFor(cookie).auth.changePassword.mutate({ currentPassword: "anything", newPassword: "battery staple 2" }))).toEqual({
      status: 400,
      message: "Your account signs in with GitHub or Google and has no password to change",
    });
  });

  it("deleting the account ends all its sessions and its data", async () => {
    const u = await api.signUp("Goner");
    const friend = await api.signUp("Friend");
    await api.as(friend).contacts.add.mutate({ userId: u.id });
    const second = await signIn(u.id);
    await api.as(u).auth.deleteAccount.mutate({ currentPassword: "correct horse 1" });

    expect(await failure(api.as(u).me.get.query())).toEqual(SIGNED_OUT);
    expect(await failure(api.clientFor(second.cookie).settings.get.query())).toEqual(SIGNED_OUT);
    expect(await failure(api.as(u).auth.deleteAccount.mutate({ currentPassword: "correct horse 1" }))).toEqual(SIGNED_OUT);
    // a fresh token for the deleted user cannot be made to work either: there is no session to name
    expect(await failure(api.internal.auth.startSession.mutate({ userId: u.id }))).toEqual({ status: 404, message: "No such user" });
    expect((await api.internal.auth.verifyCredentials.mutate({ email: u.email, password: "correct horse 1", clientAddress: "192.0.2.11" })).outcome).toBe("wrong");
    expect(await api.as(friend).contacts.list.query()).toEqual([]);
    expect(await api.as(friend).users.search.query({ query: u.handle })).toEqual([]);
  });
  it("a stolen session cannot delete a password account: the current password is needed, and guesses are slowed", async () => {
    const u = await api.signUp("Keeper");
    const thief = await signIn(u.id);
    const stolen = api.clientFor(thief.cookie).auth;
    expect(await failure(stolen.deleteAccount.mutate({}))).toEqual({ status: 400, message: "Enter your current password" });
    expect(await failure(stolen.deleteAccount.mutate({ confirmEmail: u.email }))).toEqual({ status: 400, message: "Enter your current password" });
    // wrong guesses here and at a password change share one per-session allowance: no extra tries
    for (let i = 0; i < 3; i++) {
      expect(await failure(stolen.deleteAccount.mutate({ currentPassword: `guess ${i}` }))).toEqual({ status: 400, message: "Your current password is not right" });
    }
    for (let i = 3; i < 5; i++) await failure(stolen.changePassword.mutate({ currentPassword: `guess ${i}`, newPassword: "battery staple 2" }));
    expect(await failure(stolen.deleteAccount.mutate({ currentPassword: "correct horse 1" }))).toEqual({
      status: 429,
      message: "Too many attempts. Try again in 1 second.",
    });
    expect((await api.as(u).me.get.query()).id).toBe(u.id);
    // the owner's own session is not slowed by the thief's guesses
    await api.as(u).auth.deleteAccount.mutate({ currentPassword: "correct horse 1" });
    expect(await failure(api.clientFor(thief.cookie).me.get.query())).toEqual(SIGNED_OUT);
  });

  it("an OAuth-only account confirms deletion by typing its email", async () => {
    const email = `oauth.gone.${Date.now()}@example.com`;
    const linked = await api.internal.auth.oauthSignIn.mutate({ provider: "google", providerAccountId: `g-${randomUUID()}`, email, emailVerified: true, name: "Gone" });
    const { cookie } = await signIn(linked.id);
    const me = api.clientFor(cookie).auth;
    const TYPE_EMAIL = { status: 400, message: "Type your account’s email address to confirm" };
    expect(await failure(me.deleteAccount.mutate({}))).toEqual(TYPE_EMAIL);
    expect(await failure(me.deleteAccount.mutate({ confirmEmail: "someone.else@example.com" }))).toEqual(TYPE_EMAIL);
    // no password to give: one typed anyway proves nothing
    expect(await failure(me.deleteAccount.mutate({ currentPassword: "anything 1" }))).toEqual(TYPE_EMAIL);
    expect((await api.clientFor(cookie).me.get.query()).id).toBe(linked.id);
    await me.deleteAccount.mutate({ confirmEmail: ` ${email.toUpperCase()} ` });
    expect(await failure(api.clientFor(cookie).me.get.query())).toEqual(SIGNED_OUT);
  });

  it("signing out of other devices ends every other session and keeps this one, for OAuth-only accounts too", async () => {
    const linked = await api.internal.auth.oauthSignIn.mutate({
      provider: "github",
      providerAccountId: `gh-${randomUUID()}`,
      email: `oauth.others.${Date.now()}@example.com`,
      emailVerified: true,
      name: "Many",
    });
    const here = await signIn(linked.id);
    const phone = await signIn(linked.id);
    const laptop = await signIn(linked.id);
    const someoneElse = await api.signUp("Bystander");
    expect(await api.clientFor(here.cookie).auth.signOutOthers.mutate()).toEqual({ ended: 2 });
    expect((await api.clientFor(here.cookie).me.get.query()).id).toBe(linked.id);
    expect(await failure(api.clientFor(phone.cookie).me.get.query())).toEqual(SIGNED_OUT);
    expect(await failure(api.clientFor(laptop.cookie).settings.get.query())).toEqual(SIGNED_OUT);
    // nobody else's sessions are touched
    expect((await api.as(someoneElse).me.get.query()).id).toBe(someoneElse.id);
    expect(await api.clientFor(here.cookie).auth.signOutOthers.mutate()).toEqual({ ended: 0 });
    expect(await failure(api.anonymous.auth.signOutOthers.mutate())).toEqual(SIGNED_OUT);
  });
});
