import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startTestApi, type TestApi } from "../testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe("users.search", () => {
  it("finds people by handle, email and name, never myself, with my relation to each", async () => {
    const me = await api.signUp("Searcher");
    const other = await api.signUp("Findable");
    const byHandle = await api.as(me).users.search.query({ query: `@${other.handle}` });
    expect(byHandle.map((u) => u.id)).toEqual([other.id]);
    expect(byHandle[0]).toEqual({ id: other.id, handle: other.handle, displayName: other.displayName, isContact: false, isBlocked: false });
    expect((await api.as(me).users.search.query({ query: other.email.toUpperCase() })).map((u) => u.id)).toContain(other.id);
    expect((await api.as(me).users.search.query({ query: me.handle })).map((u) => u.id)).not.toContain(me.id);

    await api.as(me).contacts.add.mutate({ userId: other.id });
    await api.as(me).blocked.add.mutate({ userId: other.id });
    const [found] = await api.as(me).users.search.query({ query: other.handle });
    expect(found).toMatchObject({ isContact: true, isBlocked: true });
  });

  it("still shows me people who blocked me, so a block cannot be detected", async () => {
    const blocker = await api.signUp("Blocker");
    const me = await api.signUp("Blockee");
    await api.as(blocker).blocked.add.mutate({ userId: me.id });
    const results = await api.as(me).users.search.query({ query: blocker.handle });
    expect(results).toEqual([{ id: blocker.id, handle: blocker.handle, displayName: blocker.displayName, isContact: false, isBlocked: false }]);
  });

  it("lets people turn off being found by their email; handle and name still find them", async () => {
    const me = await api.signUp("Looker");
    const shy = await api.signUp("Private");
    expect((await api.as(shy).settings.get.query()).discoverableByEmail).toBe(true);
    await api.as(shy).settings.update.mutate({ discoverableByEmail: false });
    expect(await api.as(me).users.search.query({ query: shy.email })).toEqual([]);
    expect((await api.as(me).users.search.query({ query: shy.handle })).map((u) => u.id)).toEqual([shy.id]);
    expect((await api.as(me).users.search.query({ query: shy.displayName })).map((u) => u.id)).toEqual([shy.id]);
    await api.as(shy).settings.update.mutate({ discoverableByEmail: true });
    expect((await api.as(me).users.search.query({ query: shy.email })).map((u) => u.id)).toEqual([shy.id]);
  });

  it("allows 30 searches a minute per person, then answers 429 with a readable message", async () => {
    const harvester = await api.signUp("Harvester");
    const bystander = await api.signUp("Bystander");
    const searches = await Promise.allSettled(
      Array.from({ length: 35 }, (_, i) => api.as(harvester).users.search.query({ query: `someone${i}@example.com` })),
    );
    expect(searches.filter((r) => r.status === "fulfilled").length).toBe(30);
    expect(await failure(api.as(harvester).users.search.query({ query: bystander.handle }))).toEqual({
      status: 429,
      message: "That’s a lot of searches. Try again in a minute.",
    });
    // the limit is per person
    expect((await api.as(bystander).users.search.query({ query: harvester.handle })).map((u) => u.id)).toEqual([harvester.id]);
  });

  it("treats % and _ in a query literally", async () => {
    const me = await api.signUp("Literal");
    expect(await api.as(me).users.search.query({ query: "%" })).toEqual([]);
  });

  it("rejects an empty query with 400 and 401 without a session", async () => {
    const me = await api.signUp("Empty");
    expect(await failure(api.as(me).users.search.query({ query: "   " }))).toEqual({ status: 400, message: "Type at least one character" });
    expect((await failure(api.anonymous.users.search.query({ query: "a" }))).status).toBe(401);
  });
});

describe("contacts", () => {
  it("adds, favourites, lists favourites first, and removes", async () => {
    const me = await api.signUp("Owner");
    const zed = await api.signUp("Zed");
    const amy = await api.signUp("Amy");
    const added = await api.as(me).contacts.add.mutate({ userId: zed.id });
    expect(added).toMatchObject({ userId: zed.id, handle: zed.handle, favorite: false });
    await api.as(me).contacts.add.mutate({ userId: amy.id });
    await api.as(me).contacts.add.mutate({ userId: amy.id }); // twice is harmless
    expect((await api.as(me).contacts.list.query()).map((c) => c.userId)).toEqual([amy.id, zed.id]);

    const fav = await api.as(me).contacts.setFavorite.mutate({ userId: zed.id, favorite: true });
    expect(fav.favorite).toBe(true);
    expect((await api.as(me).contacts.list.query()).map((c) => c.userId)).toEqual([zed.id, amy.id]);

    expect(await api.as(me).contacts.remove.mutate({ userId: zed.id })).toEqual({ ok: true });
    expect((await api.as(me).contacts.list.query()).map((c) => c.userId)).toEqual([amy.id]);
    // contacts are one-directional and private
    expect(await api.as(zed).contacts.list.query()).toEqual([]);
  });

  it("answers unknown ids with 404, myself and bad ids with 400, and nobody else's list is reachable", async () => {
    const me = await api.signUp("Strict");
    expect(await failure(api.as(me).contacts.add.mutate({ userId: randomUUID() }))).toEqual({ status: 404, message: "No such user" });
    expect(await failure(api.as(me).contacts.add.mutate({ userId: me.id }))).toEqual({ status: 400, message: "You can't add yourself" });
    expect(await failure(api.as(me).contacts.add.mutate({ userId: "42" }))).toEqual({ status: 400, message: "Not a valid user id" });
    expect(await failure(api.as(me).contacts.remove.mutate({ userId: randomUUID() }))).toEqual({ status: 404, message: "Not in your contacts" });
    expect(await failure(api.as(me).contacts.setFavorite.mutate({ userId: randomUUID(), favorite: true }))).toEqual({
      status: 404,
      message: "Not in your contacts",
    });
    // removing someone else's contact entry through my session touches only my list
    const other = await api.signUp("Other");
    const third = await api.signUp("Third");
    await api.as(other).contacts.add.mutate({ userId: third.id });
    expect((await failure(api.as(me).contacts.remove.mutate({ userId: third.id }))).status).toBe(404);
    expect((await api.as(other).contacts.list.query()).map((c) => c.userId)).toEqual([third.id]);
    expect((await failure(api.anonymous.contacts.list.query())).status).toBe(401);
  });

  it("rejects wrong types with a 400 that names the field", async () => {
    const me = await api.signUp("Types");
    const res = await failure(api.as(me).contacts.setFavorite.mutate({ userId: me.id, favorite: "yes" as unknown as boolean }));
    expect(res.status).toBe(400);
    expect(res.message).toMatch(/^favorite: /);
  });
});

describe("blocked", () => {
  it("blocks and unblocks, listing newest first", async () => {
    const me = await api.signUp("Guard");
    const a = await api.signUp("Pest");
    const b = await api.signUp("Spam");
    expect(await api.as(me).blocked.add.mutate({ userId: a.id })).toMatchObject({ userId: a.id, handle: a.handle });
    await api.as(me).blocked.add.mutate({ userId: b.id });
    await api.as(me).blocked.add.mutate({ userId: b.id });
    expect((await api.as(me).blocked.list.query()).map((r) => r.userId).sort()).toEqual([a.id, b.id].sort());
    expect(await api.as(me).blocked.remove.mutate({ userId: a.id })).toEqual({ ok: true });
    expect((await api.as(me).blocked.list.query()).map((r) => r.userId)).toEqual([b.id]);
    // the blocked person's own list is untouched and says nothing
    expect(await api.as(b).blocked.list.query()).toEqual([]);
  });

  it("refuses to block myself or an unknown id, and to unblock someone not blocked", async () => {
    const me = await api.signUp("Careful");
    expect(await failure(api.as(me).blocked.add.mutate({ userId: me.id }))).toEqual({ status: 400, message: "You can't block yourself" });
    expect(await failure(api.as(me).blocked.add.mutate({ userId: randomUUID() }))).toEqual({ status: 404, message: "No such user" });
    expect(await failure(api.as(me).blocked.remove.mutate({ userId: randomUUID() }))).toEqual({
      status: 404,
      message: "This person is not blocked",
    });
    expect((await failure(api.anonymous.blocked.add.mutate({ userId: me.id }))).status).toBe(401);
  });
});
