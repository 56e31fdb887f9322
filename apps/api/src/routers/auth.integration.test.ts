import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startTestApi, type TestApi } from "../testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

let addressCounter = 0;
/** The web server's call for a password sign-in; each test signs in from its own address unless told. */
const verify = (input: { email: string; password: string; clientAddress?: string; device?: { id: string; userId: string } }) =>
  api.internal.auth.verifyCredentials.mutate({ clientAddress: `198.51.100.${++addressCounter}`, ...input });

describe("auth.signUp", () => {
  it("creates an account whose password verifies, and normalises email and handle", async () => {
    const tag = Date.now().toString(36);
    const user = await api.anonymous.auth.signUp.mutate({
      email: `  Ada.${tag}@Example.COM `,
      password: "analytical1",
      displayName: "Ada Lovelace",
      handle: `Ada_${tag}`,
    });
    expect(user.email).toBe(`ada.${tag}@example.com`);
    expect(user.handle).toBe(`ada_${tag}`);
    expect(user).not.toHaveProperty("passwordHash");

    const ok = await verify({ email: `ADA.${tag}@example.com`, password: "analytical1" });
    expect(ok.outcome === "ok" && ok.user.id).toBe(user.id);
    expect(await verify({ email: user.email, password: "analytical2" })).toEqual({ outcome: "wrong" });
    expect(await verify({ email: `nobody.${tag}@example.com`, password: "x" })).toEqual({ outcome: "wrong" });
  });

  it("gives every new account default settings", async () => {
    const u = await api.signUp("Defaults");
    const settings = await api.as(u).settings.get.query();
    expect(settings).toEqual({
      displayName: u.displayName,
      acceptCalls: true,
      ringTimeoutSeconds: 30,
      silenceUnknownCallers: false,
      liveVoicemail: true,
      acceptMessages: true,
      allowLivePhotos: true,
      allowRecording: false,
      discoverableByEmail: true,
    });
  });

  it("refuses a duplicate email and a taken handle with 409 and says which", async () => {
    const first = await api.signUp("Dup");
    const dupEmail = await failure(
      api.anonymous.auth.signUp.mutate({ email: first.email, password: "password1", displayName: "X", handle: "fresh_handle_1" }),
    );
    expect(dupEmail).toEqual({ status: 409, message: "An account with this email already exists" });
    const dupHandle = await failure(
      api.anonymous.auth.signUp.mutate({ email: "other@example.org", password: "password1", displayName: "X", handle: first.handle }),
    );
    expect(dupHandle).toEqual({ status: 409, message: "That handle is taken" });
  });

  it("rejects weak passwords and malformed fields with 400 and a readable message", async () => {
    const weak = await failure(
      api.anonymous.auth.signUp.mutate({ email: "weak@example.org", password: "short", displayName: "W", handle: "weakling" }),
    );
    expect(weak.status).toBe(400);
    expect(weak.message).toBe("Password must be at least 8 characters and include a letter and a number");
    const handle = await failure(
      api.anonymous.auth.signUp.mutate({ email: "h@example.org", password: "password1", displayName: "H", handle: "no spaces!" }),
    );
    expect(handle).toEqual({ status: 400, message: "Handle must be 3 to 20 characters: letters, numbers, underscore" });
    const email = await failure(
      api.anonymous.auth.signUp.mutate({ email: "not-an-email", password: "password1", displayName: "E", handle: "emailless" }),
    );
    expect(email).toEqual({ status: 400, message: "Enter a valid email address" });
  });

  it("limits sign-ups per client address with a readable 429, before any password is hashed", async () => {
    const tag = Date.now().toString(36);
    const from = api.fromAddress(`203.0.113.7-${tag}`);
    const attempt = (i: number) =>
      from.auth.signUp.mutate({ email: `flood.${tag}.${i}@example.org`, password: "password1", displayName: "F", handle: `fl_${tag}_${i}`.slice(0, 20) });
    // ten a day are free, whatever they end in: a taken email costs a hash and tells a prober something
    for (let i = 0; i < 9; i++) await attempt(i);
    expect(await failure(attempt(0))).toEqual({ status: 409, message: "An account with this email already exists" });
    expect(await failure(attempt(10))).toEqual({ status: 429, message: "Too many attempts. Try again in 1 second." });
    // invalid input is refused before the limit and uses none of it
    expect((await failure(from.auth.signUp.mutate({ email: "x", password: "password1", displayName: "F", handle: "f_bad" }))).status).toBe(400);
    // another address is not affected
    await api.fromAddress(`203.0.113.8-${tag}`).auth.signUp.mutate({ email: `other.${tag}@example.org`, password: "password1", displayName: "O", handle: `ot_${tag}` });
  });

  it("counts a client that claims an address without the web server's proof by its connection instead", async () => {
    const tag = Date.now().toString(36);
    // x-forwarded-for and a forged proof, a fresh claim every time: all of it ignored
    const forging = (i: number) =>
      api.clientFor(null, { "x-forwarded-for": `192.0.2.${i}`, "x-ringback-client-address": `192.0.2.${i}`, "x-ringback-client-proof": "forged" });
    const attempt = (i: number) =>
      forging(i).auth.signUp.mutate({ email: `forger.${tag}.${i}@example.org`, password: "password1", displayName: "F", handle: `fg_${tag}_${i}`.slice(0, 20) });
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await attempt(i).then(() => 200, async (err: unknown) => (await failure(Promise.reject(err))).status));
    // the connection (127.0.0.1 here) has at most ten free sign-ups a day, whoever else used it in this file
    expect(results.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(results.at(-1)).toBe(429);
  });
});

describe("sessions", () => {
  it("answers 401 without a session, with an expired one, and with a forged one", async () => {
    const u = await api.signUp("Session");
    expect((await api.as(u).me.get.query()).id).toBe(u.id);

    expect(await failure(api.anonymous.me.get.query())).toEqual({ status: 401, message: "Please sign in" });
    const expired = await api.cookieFor(u.id, -10);
    expect(await failure(api.clientFor(expired).me.get.query())).toEqual({ status: 401, message: "Please sign in" });
    const forged = `next-auth.session-token=${u.cookie.split("=")[1]?.slice(0, -4)}AAAA`;
    expect(await failure(api.clientFor(forged).me.get.query())).toEqual({ status: 401, message: "Please sign in" });
  });

  it("ignores other apps' malformed cookies on the same host", async () => {
    const u = await api.signUp("Crumbs");
    expect((await api.clientFor(`other=100%; ${u.cookie}; broken=%E0%A4%A`).me.get.query()).id).toBe(u.id);
    expect(await failure(api.clientFor("other=100%").me.get.query())).toEqual({ status: 401, message: "Please sign in" });
    expect(await failure(api.clientFor("next-auth.session-token=%E0%A4%A").me.get.query())).toEqual({ status: 401, message: "Please sign in" });
  });
});

describe("auth.oauthSignIn (server to server)", () => {
  const oauth = (over: Partial<{ providerAccountId: string; email: string; emailVerified: boolean; name: string }> = {}) => ({
    provider: "github" as const,
    providerAccountId: `gh-${Math.random().toString(36).slice(2)}`,
    email: `octo.${Math.random().toString(36).slice(2, 8)}@example.com`,
    emailVerified: true,
    name: "Octo Cat",
    ...over,
  });

  it("is refused to browsers, signed in or not", async () => {
    const u = await api.signUp("Browser");
    expect(await failure(api.anonymous.auth.oauthSignIn.mutate(oauth()))).toEqual({ status: 403, message: "Not allowed" });
    expect(await failure(api.as(u).auth.oauthSignIn.mutate(oauth({ email: u.email })))).toEqual({ status: 403, message: "Not allowed" });
    const forged = api.clientFor(null, { "x-ringback-internal": "guess" });
    expect((await failure(forged.auth.oauthSignIn.mutate(oauth()))).status).toBe(403);
  });

  it("creates a user once per OAuth account, with settings and a valid handle", async () => {
    const input = oauth();
    const first = await api.internal.auth.oauthSignIn.mutate(input);
    const again = await api.internal.auth.oauthSignIn.mutate(input);
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ email: input.email, displayName: "Octo Cat" });
    expect(first.handle).toMatch(/^[a-z0-9_]{3,20}$/);
  });

  it("gives simultaneous first sign-ins of one account the same user", async () => {
    const input = oauth();
    const results = await Promise.all(Array.from({ length: 5 }, () => api.internal.auth.oauthSignIn.mutate(input)));
    expect(new Set(results.map((u) => u.id)).size).toBe(1);
  });

  it("links a verified email to the existing account, and refuses an unverified one", async () => {
    const existing = await api.signUp("Linked");
    const linked = await api.internal.auth.oauthSignIn.mutate(oauth({ email: existing.email }));
    expect(linked.id).toBe(existing.id);
    const other = await api.signUp("Guarded");
    expect(await failure(api.internal.auth.oauthSignIn.mutate(oauth({ email: other.email, emailVerified: false })))).toEqual({
      status: 409,
      message: "An account with this email already exists. Sign in with your password.",
    });
  });
});
