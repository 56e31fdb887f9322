import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushMessageSchema } from "@ringback/core/push";
import { pushSubscriptions } from "@ringback/db/schema";
import { deliver, knownPair, servicesOf, unansweredCall } from "../messages/test-kit";
import { failure, startTestApi, type TestApi, type TestUser } from "../testing/harness";
import { readEnv } from "../env";
import { pushConfigFromEnv } from "./config";
import { guardedLookup, isPublicAddress, PrivateAddressError } from "./endpoint-guard";
import { browserKeys, decryptPush, startPushEndpoint, testPushConfig, verifyVapid, type BrowserKeys, type PushEndpoint, type ReceivedPush } from "./push-test-kit";

const config = testPushConfig();
let api: TestApi;
let second: TestApi;
let service: PushEndpoint;
beforeAll(async () => {
  service = await startPushEndpoint();
  api = await startTestApi({ push: config });
  // a second API process over the same database, as behind a load balancer: a push is still sent once
  second = await startTestApi({ databaseUrl: api.databaseUrl, push: config });
});
afterAll(async () => {
  await second.close();
  await api.close();
  await service.close();
});

/** A device of `user`: a subscription made with fresh browser keys to a new endpoint of the local push service. */
async function subscribe(user: TestUser, label = "Test browser") {
  const browser = browserKeys();
  const endpoint = service.newEndpoint();
  const { id } = await api.as(user).push.subscribe.mutate({ endpoint, keys: browser.keys, label });
  return { id, endpoint, browser };
}

function open(push: ReceivedPush, endpoint: string, browser: BrowserKeys) {
  verifyVapid(push.headers, endpoint, config.publicKey);
  return pushMessageSchema.parse(JSON.parse(decryptPush(push.body, browser)));
}

async function rowOf(id: string) {
  const rows = await api.db.select().from(pushSubscriptions);
  return rows.find((r) => r.id === id) ?? null;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Web Push", () => {
  it("pushes a real ring, encrypted for the device and signed with VAPID; the missed call replaces it; a 410 removes the subscription", async () => {
    const ana = await api.signUp("Ana");
    const bo = await api.signUp("Bo");
    const device = await subscribe(bo);

    const call = await api.as(ana).calls.start.mutate({ calleeIds: [bo.id], kind: "video" });
    const [ringPush] = await service.waitFor(device.endpoint, 1);
    if (!ringPush) throw new Error("no push");
    const claims = verifyVapid(ringPush.headers, device.endpoint, config.publicKey);
    expect(claims.sub).toBe(config.subject);
    expect(ringPush.headers["content-encoding"]).toBe("aes128gcm");
    expect(ringPush.headers.urgency).toBe("high");
    // the ring is worth delivering only while it rings
    const ttl = Number(ringPush.headers.ttl);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    const ring = open(ringPush, device.endpoint, device.browser);
    expect(ring).toEqual({
      v: 1,
      kind: "ring",
      tag: `call-${call.id}`,
      title: `${ana.displayName} is calling`,
      body: "Video call",
      url: `/call/${call.id}`,
      callId: call.id,
    });

    await api.as(ana).calls.cancel.mutate({ callId: call.id });
    const [, missedPush] = await service.waitFor(device.endpoint, 2);
    if (!missedPush) throw new Error("no push");
    const missed = open(missedPush, device.endpoint, device.browser);
    expect(missed).toMatchObject({ kind: "missed", tag: ring.tag, title: `Missed call from ${ana.displayName}`, url: "/calls" });
    // a push with the same topic replaces one still waiting at the push service
    expect(missedPush.headers.topic).toBe(ringPush.headers.topic);
    expect(String(missedPush.headers.topic)).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    await waitUntil("last used is recorded", async () => (await rowOf(device.id))?.lastUsedAt != null);

    // the browser unsubscribed: the push service says gone, and the subscription goes
    service.answer(device.endpoint, 410);
    await api.as(ana).calls.start.mutate({ calleeIds: [bo.id], kind: "audio" });
    await service.waitFor(device.endpoint, 3);
    await waitUntil("the gone subscription is removed", async () => (await rowOf(device.id)) === null);
    expect(await api.as(bo).push.list.query()).toEqual([]);
  });

  it("sends each push once across API processes, to every device of the person, and to no one else", async () => {
    const ana = await api.signUp("Ana");
    const bo = await api.signUp("Bo");
    const cy = await api.signUp("Cy");
    const phone = await subscribe(bo, "Phone");
    const laptop = await subscribe(bo, "Laptop");
    const cyDevice = await subscribe(cy);
    const anaDevice = await subscribe(ana);

    // started on the second process; both processes hear the event
    const call = await second.as(ana).calls.start.mutate({ calleeIds: [bo.id], kind: "audio" });
    const [onPhone] = await service.waitFor(phone.endpoint, 1);
    const [onLaptop] = await service.waitFor(laptop.endpoint, 1);
    if (!onPhone || !onLaptop) throw new Error("no push");
    expect(open(onPhone, phone.endpoint, phone.browser)).toMatchObject({ kind: "ring", body: "Audio call", callId: call.id });
    expect(open(onLaptop, laptop.endpoint, laptop.browser)).toMatchObject({ kind: "ring", callId: call.id });
    // Bo answers: the ring closes on his devices (once each), and the caller's own call events push nothing
    await api.as(bo).calls.answer.mutate({ callId: call.id, kind: "audio" });
    const [, over] = await service.waitFor(phone.endpoint, 2);
    if (!over) throw new Error("no push");
    expect(open(over, phone.endpoint, phone.browser)).toMatchObject({ kind: "ring-over", tag: `call-${call.id}`, body: "Answered" });
    await api.as(ana).calls.leave.mutate({ callId: call.id });
    await new Promise((r) => setTimeout(r, 1500));
    expect(service.for(phone.endpoint)).toHaveLength(2);
    expect(service.for(laptop.endpoint)).toHaveLength(2);
    expect(service.for(cyDevice.endpoint)).toHaveLength(0);
    expect(service.for(anaDevice.endpoint)).toHaveLength(0);
  });

  it("pushes a new message once it is ready, with the start of its transcript", async () => {
    const { a: ann, b: bo } = await knownPair(api, ["Ann", "Bo"]);
    const device = await subscribe(bo);
    const callId = await unansweredCall(api, ann, bo, "video");
    // the ring's own push may or may not have gone out before the sweep ended it; the missed call does
    const kinds = () => service.for(device.endpoint).map((p) => open(p, device.endpoint, device.browser).kind);
    await waitUntil("the missed call is pushed", async () => kinds().includes("missed"));
    const before = kinds().length;
    const begun = await api.as(ann).messages.begin.mutate({ callId });
    // being recorded and processed: nothing yet
    await new Promise((r) => setTimeout(r, 500));
    expect(service.for(device.endpoint)).toHaveLength(before);
    await deliver(servicesOf(api), begun.messageId, { transcript: "Call me back about dinner tonight", durationMs: 7_400 });
    const messagePush = (await service.waitFor(device.endpoint, before + 1))[before];
    if (!messagePush) throw new Error("no push");
    expect(open(messagePush, device.endpoint, device.browser)).toEqual({
      v: 1,
      kind: "message",
      tag: `message-${begun.messageId}`,
      title: `New video message from ${ann.displayName}`,
      body: "0:07 · “Call me back about dinner tonight”",
      url: `/messages/${begun.messageId}`,
      messageId: begun.messageId,
    });
    expect(messagePush.headers.urgency).toBe("normal");
  });

  it("tries again after a failure of the push service (500), and keeps the subscription", async () => {
    const ana = await api.signUp("Ana");
    const bo = await api.signUp("Bo");
    const device = await subscribe(bo);
    service.answer(device.endpoint, 500);
    const call = await api.as(ana).calls.start.mutate({ calleeIds: [bo.id], kind: "video" });
    await service.waitFor(device.endpoint, 1);
    service.answer(device.endpoint, 201);
    const [first, retried] = await service.waitFor(device.endpoint, 2);
    if (!first || !retried) throw new Error("no push");
    expect(open(retried, device.endpoint, device.browser)).toMatchObject({ kind: "ring", callId: call.id });
    expect(retried.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(900);
    expect(await rowOf(device.id)).not.toBeNull();
  });

  it("does not send a ring late: a retry after the ring ended is dropped, the missed call still arrives", async () => {
    const ana = await api.signUp("Ana");
    const bo = await api.signUp("Bo");
    const device = await subscribe(bo);
    service.answer(device.endpoint, 503);
    const call = await api.as(ana).calls.start.mutate({ calleeIds: [bo.id], kind: "video" });
    await service.waitFor(device.endpoint, 1);
    service.answer(device.endpoint, 201);
    await api.as(ana).calls.cancel.mutate({ callId: call.id });
    await service.waitFor(device.endpoint, 2);
    // the ring's retry was due a second after its failure
    await new Promise((r) => setTimeout(r, 2500));
    const kinds = service.for(device.endpoint).map((p) => open(p, device.endpoint, device.browser).kind);
    expect(kinds).toEqual(["ring", "missed"]);
  });

  it("pushes nothing for a blocked caller's ring, whose start takes as long as an unblocked one", { timeout: 90_000 }, async () => {
    const ana = await api.signUp("Ana");
    const bo = await api.signUp("Bo");
    const friend = await api.signUp("Friend");
    const cy = await api.signUp("Cy");
    const boDevice = await subscribe(bo);
    const cyDevice = await subscribe(cy);
    await api.as(bo).blocked.add.mutate({ userId: ana.id });

    // the caller sees a ring like any other
    const blockedCall = await api.as(ana).calls.start.mutate({ calleeIds: [bo.id], kind: "video" });
    const friendCall = await api.as(friend).calls.start.mutate({ calleeIds: [cy.id], kind: "video" });
    await service.waitFor(cyDevice.endpoint, 1);
    expect(blockedCall.participants.map((p) => p.outcome)).toEqual(friendCall.participants.map((p) => p.outcome));
    expect(blockedCall.status).toBe(friendCall.status);
    // it times out like an unanswered ring: still nothing for Bo, while Cy's missed call arrives
    await api.sweepAt(new Date(Date.now() + 61_000));
    await service.waitFor(cyDevice.endpoint, 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(service.for(boDevice.endpoint)).toHaveLength(0);

    // timing: the push is sent after the response, so ringing a subscribed callee costs the caller
    // nothing more than ringing one who blocked them. Each start is timed from an idle server (the
    // pushes of the one before are done), so what is measured is the request and what it sets off.
    const startAndCancel = (caller: TestUser, callee: TestUser) => async () => {
      await new Promise((r) => setTimeout(r, 100));
      const started = performance.now();
      const c = await api.as(caller).calls.start.mutate({ calleeIds: [callee.id], kind: "audio" });
      const took = performance.now() - started;
      await api.as(caller).calls.cancel.mutate({ callId: c.id });
      return took;
    };
    const blocked = startAndCancel(ana, bo);
    const unblocked = startAndCancel(friend, cy);
    // warm up connections and query plans
    for (let i = 0; i < 6; i += 1) {
      await blocked();
      await unblocked();
    }
    const rounds = 40;
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < rounds; i += 1) {
      // alternate who goes first, so neither always gets the warmer connection
      if (i % 2 === 0) {
        times[0].push(await blocked());
        times[1].push(await unblocked());
      } else {
        times[1].push(await unblocked());
        times[0].push(await blocked());
      }
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
    const [blockedMs, unblockedMs] = [median(times[0]), median(times[1])];
    console.info("calls.start medians (ms)", JSON.stringify({ blockedMs, unblockedMs }));
    expect(Math.abs(blockedMs - unblockedMs)).toBeLessThan(Math.max(3, 0.3 * Math.min(blockedMs, unblockedMs)));
    // and in all those rings, nothing reached the person who blocked the caller, while each of Cy's
    // cancelled rings ended in a missed call on his device
    await new Promise((r) => setTimeout(r, 1000));
    expect(service.for(boDevice.endpoint)).toHaveLength(0);
    expect(service.for(cyDevice.endpoint).length).toBeGreaterThanOrEqual(2 + 6 + rounds);
  });
});

describe("push subscriptions", () => {
  it("lists my devices with the current one marked; nobody else can see or remove them", async () => {
    const bo = await api.signUp("Bo");
    const eve = await api.signUp("Eve");
    const here = await subscribe(bo, "Chrome on Linux");
    // the same person in another browser (another session)
    const elsewhereCookie = await api.cookieFor(bo.id);
    const elsewhere = browserKeys();
    const other = await api.clientFor(elsewhereCookie).push.subscribe.mutate({ endpoint: service.newEndpoint(), keys: elsewhere.keys, label: "Firefox on Android" });

    const list = await api.as(bo).push.list.query();
    expect(list.map((d) => [d.label, d.current]).sort()).toEqual([
      ["Chrome on Linux", true],
      ["Firefox on Android", false],
    ]);
    expect(Object.keys(list[0] ?? {}).sort()).toEqual(["createdAt", "current", "id", "label", "lastUsedAt"]);
    expect(await api.as(eve).push.list.query()).toEqual([]);

    // someone else's device reads exactly like one that does not exist
    const theirs = await failure(api.as(eve).push.remove.mutate({ id: here.id }));
    const unknown = await failure(api.as(eve).push.remove.mutate({ id: "00000000-0000-4000-8000-000000000000" }));
    expect(theirs).toEqual({ status: 404, message: "That device isn’t in your list" });
    expect(unknown).toEqual(theirs);
    expect(await rowOf(here.id)).not.toBeNull();
    expect((await failure(api.as(bo).push.remove.mutate({ id: "nope" }))).status).toBe(400);

    await api.as(bo).push.remove.mutate({ id: other.id });
    expect((await api.as(bo).push.list.query()).map((d) => d.label)).toEqual(["Chrome on Linux"]);
    expect(await api.as(bo).push.removeCurrent.mutate()).toEqual({ removed: 1 });
    expect(await api.as(bo).push.list.query()).toEqual([]);
  });

  it("moves an endpoint to whoever subscribes it last, and signing out of a session removes its subscription", async () => {
    const bo = await api.signUp("Bo");
    const eve = await api.signUp("Eve");
    const browser = browserKeys();
    const endpoint = service.newEndpoint();
    const first = await api.as(bo).push.subscribe.mutate({ endpoint, keys: browser.keys });
    const again = await api.as(eve).push.subscribe.mutate({ endpoint, keys: browserKeys().keys });
    expect(again.id).toBe(first.id);
    expect(await api.as(bo).push.list.query()).toEqual([]);
    expect((await api.as(eve).push.list.query()).map((d) => d.label)).toEqual(["Browser"]);
    await api.as(eve).auth.signOut.mutate();
    expect(await rowOf(first.id)).toBeNull();
  });

  it("refuses bad subscriptions with a readable 400", async () => {
    const bo = await api.signUp("Bo");
    const keys = browserKeys().keys;
    const refused = async (input: unknown) => failure(api.as(bo).push.subscribe.mutate(input as never));
    expect(await refused({ endpoint: "not a url", keys })).toMatchObject({ status: 400, message: "The push endpoint must be an https:// URL" });
    expect(await refused({ endpoint: "https://exa mple.com/x y", keys })).toMatchObject({
      status: 400,
      message: "The push endpoint can only contain printable ASCII characters (no spaces)",
    });
    expect(await refused({ endpoint: "http://[bad/x", keys })).toMatchObject({ status: 400, message: "The push endpoint must be a URL" });
    expect(await refused({ endpoint: service.newEndpoint(), keys: { ...keys, p256dh: keys.auth } })).toMatchObject({ status: 400, message: expect.stringMatching(/p256dh/) });
    expect(await refused({ endpoint: service.newEndpoint(), keys: { ...keys, auth: "short" } })).toMatchObject({ status: 400, message: expect.stringMatching(/auth/) });
    expect(await refused({ endpoint: service.newEndpoint(), keys: { ...keys, p256dh: `B${"A".repeat(86)}` } })).toMatchObject({
      status: 400,
      message: "keys.p256dh is not a P-256 public key",
    });
    expect(await refused({ endpoint: "ftp://push.example.net/x", keys })).toMatchObject({ status: 400, message: "The push endpoint must be an https:// URL" });
  });
});

describe("push endpoints are checked against SSRF", () => {
  let strict: TestApi;
  beforeAll(async () => {
    strict = await startTestApi({ databaseUrl: api.databaseUrl, push: { ...config, allowPrivateEndpoints: false } });
  });
  afterAll(() => strict.close());

  it.each([
    ["http://push.example.net/x", "The push endpoint must be an https:// URL"],
    ["https://127.0.0.1/x", "The push endpoint must be on the public internet"],
    ["https://localhost:8443/x", "The push endpoint must be on the public internet"],
    ["https://[::1]/x", "The push endpoint must be on the public internet"],
    ["https://[::ffff:10.0.0.1]/x", "The push endpoint must be on the public internet"],
    ["https://169.254.169.254/latest/meta-data", "The push endpoint must be on the public internet"],
    ["https://10.1.2.3/x", "The push endpoint must be on the public internet"],
    ["https://192.168.1.20/x", "The push endpoint must be on the public internet"],
    ["https://[fd00::1]/x", "The push endpoint must be on the public internet"],
    ["https://user:pw@push.example.net/x", "The push endpoint can't contain a user name or password"],
    // the same answer as a private host: subscribe must not tell which internal names the API host resolves
    ["https://no-such-host.invalid/x", "The push endpoint must be on the public internet"],
  ])("refuses %s", async (endpoint, message) => {
    const bo = await strict.signUp("Bo");
    expect(await failure(strict.as(bo).push.subscribe.mutate({ endpoint, keys: browserKeys().keys }))).toEqual({ status: 400, message });
    expect(await strict.as(bo).push.list.query()).toEqual([]);
  });

  it("never connects to a host that resolves to a private address at send time (DNS can change after the check)", async () => {
    const sent = (allowPrivate: boolean) =>
      new Promise<string>((resolve) => {
        // "localhost" passes no literal-address check; only the lookup at connect time can stop it
        const req = httpRequest(`${service.origin.replace("127.0.0.1", "localhost")}/push/rebound`, {
          method: "POST",
          lookup: guardedLookup(allowPrivate),
        });
        req.on("response", (res) => resolve(`status ${res.statusCode ?? 0}`));
        req.on("error", (err) => resolve(err instanceof PrivateAddressError ? "refused" : `error ${err.message}`));
        req.end();
      });
    expect(await sent(false)).toBe("refused");
    expect(service.received.filter((r) => r.path === "/push/rebound")).toHaveLength(0);
    // the same request with the guard open reaches the endpoint, so the refusal above is the guard's
    expect(await sent(true)).toBe("status 201");
    expect(service.received.filter((r) => r.path === "/push/rebound")).toHaveLength(1);
  });

  it("classifies addresses", () => {
    for (const ip of ["8.8.8.8", "142.250.74.110", "2a00:1450:4001:80b::200a", "2606:4700::6810:84e5"]) expect(isPublicAddress(ip)).toBe(true);
    for (const ip of ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd12::1", "::ffff:127.0.0.1", "64:ff9b::a00:1", "not an ip"]) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
  });

  it("says when push is off", async () => {
    const off = await startTestApi({ databaseUrl: api.databaseUrl });
    try {
      const bo = await off.signUp("Bo");
      expect(await off.as(bo).push.publicKey.query()).toEqual({ publicKey: null });
      expect(await failure(off.as(bo).push.subscribe.mutate({ endpoint: service.newEndpoint(), keys: browserKeys().keys }))).toEqual({
        status: 412,
        message: "Push isn’t set up on this server",
      });
      expect(await strict.as(bo).push.publicKey.query()).toEqual({ publicKey: config.publicKey });
    } finally {
      await off.close();
    }
  });
});

describe("push configuration", () => {
  const base: NodeJS.ProcessEnv = {
    NODE_ENV: "test",
    DATABASE_URL: "postgres://x@127.0.0.1:5432/x",
    AUTH_SECRET: "a".repeat(32),
    LIVEKIT_URL: "ws://127.0.0.1:7880",
    LIVEKIT_API_KEY: "k",
    LIVEKIT_API_SECRET: "s".repeat(32),
  };

  it("takes a private key whose leading zero byte was dropped (one generated key in 256), padded to 32 bytes", () => {
    const full = Buffer.from(config.privateKey, "base64url");
    const shortKey = Buffer.concat([Buffer.alloc(1), full.subarray(1)]).subarray(1).toString("base64url");
    expect(shortKey).toHaveLength(42);
    const parsed = pushConfigFromEnv(readEnv({ ...base, VAPID_PUBLIC_KEY: config.publicKey, VAPID_PRIVATE_KEY: shortKey }));
    expect(Buffer.from(parsed?.privateKey ?? "", "base64url")).toEqual(Buffer.concat([Buffer.alloc(1), full.subarray(1)]));
  });

  it("is off without keys, refuses half a pair, defaults the subject from PUBLIC_URL", () => {
    expect(pushConfigFromEnv(readEnv(base))).toBeNull();
    expect(() => pushConfigFromEnv(readEnv({ ...base, VAPID_PUBLIC_KEY: config.publicKey }))).toThrow(/set together/);
    const keys = { VAPID_PUBLIC_KEY: config.publicKey, VAPID_PRIVATE_KEY: config.privateKey };
    expect(pushConfigFromEnv(readEnv({ ...base, ...keys, PUBLIC_URL: "https://calls.example.org" }))?.subject).toBe("https://calls.example.org");
    expect(pushConfigFromEnv(readEnv({ ...base, ...keys }))?.subject).toBe("mailto:ringback@localhost");
    expect(pushConfigFromEnv(readEnv({ ...base, ...keys }))?.allowPrivateEndpoints).toBe(false);
    expect(() => readEnv({ ...base, ...keys, VAPID_SUBJECT: "someone" })).toThrow(/VAPID_SUBJECT/);
  });
});
