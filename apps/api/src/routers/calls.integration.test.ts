import { randomUUID } from "node:crypto";
import { TokenVerifier } from "livekit-server-sdk";
import { createDb } from "@ringback/db/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startTestApi, type TestApi, type TestUser } from "../testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

type View = { id: string; status: string; outcome: string; participants: Array<{ userId: string; outcome: string }> };
const viewOf = (e: { payload: Record<string, unknown> }) => e.payload.call as View;
const outcomeOf = (v: View, userId: string) => v.participants.find((p) => p.userId === userId)?.outcome;
const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

async function pair() {
  return { a: await api.signUp("Alice"), b: await api.signUp("Bob") };
}

describe("calls: one to one", () => {
  it("rings the callee, connects on answer, and ends with a duration when one side hangs up", async () => {
    const { a, b } = await pair();
    const aEvents = await api.listen(a);
    const bEvents = await api.listen(b);
    const started = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    expect(started).toMatchObject({ status: "ringing", direction: "outgoing", kind: "video" });
    expect(outcomeOf(started, b.id)).toBe("ringing");

    const incoming = viewOf(await bEvents.next("incoming-call"));
    expect(incoming).toMatchObject({ id: started.id, status: "ringing", direction: "incoming" });
    expect(await api.as(b).calls.ringing.query()).toHaveLength(1);

    // a callee cannot get into the room before answering
    expect(await failure(api.as(b).calls.join.mutate({ callId: started.id }))).toEqual({ status: 403, message: "Answer the call to join it" });
    const answered = await api.as(b).calls.answer.mutate({ callId: started.id, kind: "video" });
    expect(answered.status).toBe("active");
    expect(viewOf(await aEvents.next("call-updated")).status).toBe("active");
    expect(await api.as(b).calls.ringing.query()).toEqual([]);

    const join = await api.as(b).calls.join.mutate({ callId: started.id });
    const grants = await new TokenVerifier(api.livekit.apiKey, api.livekit.apiSecret).verify(join.token);
    expect(grants.sub).toBe(b.id);
    expect(grants.video).toMatchObject({ room: join.roomName, roomJoin: true });
    expect(grants.video?.roomAdmin).toBeFalsy();
    expect((grants.exp ?? 0) - (grants.nbf ?? Math.floor(Date.now() / 1000))).toBeLessThanOrEqual(600);

    // both media joins arrive (simulated by the app's own state, then a hang-up)
    await new Promise((r) => setTimeout(r, 1100));
    const ended = await api.as(a).calls.leave.mutate({ callId: started.id });
    expect(ended.status).toBe("ended");
    expect(ended.durationSeconds).toBeGreaterThanOrEqual(1);
    expect(viewOf(await bEvents.next("call-updated", 5000))).toBeDefined();

    const [aHist] = (await api.as(a).calls.history.query({})).items;
    const [bHist] = (await api.as(b).calls.history.query({})).items;
    expect(aHist).toMatchObject({ id: started.id, direction: "outgoing", outcome: "answered", status: "ended" });
    expect(bHist).toMatchObject({ id: started.id, direction: "incoming", outcome: "answered" });
    expect(bHist?.durationSeconds).toBe(ended.durationSeconds);
    aEvents.stop();
    bEvents.stop();
  });

  it("shows the caller 'declined' when the callee declines", async () => {
    const { a, b } = await pair();
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "audio" });
    const declined = await api.as(b).calls.decline.mutate({ callId: call.id });
    expect(declined.status).toBe("declined");
    const seenByA = await api.as(a).calls.get.query({ callId: call.id });
    expect(seenByA.outcome).toBe("declined");
    expect(outcomeOf(seenByA, b.id)).toBe("declined");
    expect(await failure(api.as(b).calls.answer.mutate({ callId: call.id, kind: "audio" }))).toEqual({ status: 409, message: "This call has ended" });
  });

  it("becomes missed at the callee's ring timeout, counts as unseen, and clears when seen", async () => {
    const { a, b } = await pair();
    await api.as(b).settings.update.mutate({ ringTimeoutSeconds: 40 });
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    expect(await api.sweepAt(later(35))).toBe(0);
    expect((await api.as(a).calls.get.query({ callId: call.id })).status).toBe("ringing");
    expect(await api.sweepAt(later(41))).toBe(1);

    const seenByA = await api.as(a).calls.get.query({ callId: call.id });
    expect(seenByA).toMatchObject({ status: "missed", outcome: "no-answer" });
    const missed = await api.as(b).calls.history.query({ filter: "missed" });
    expect(missed.items.map((c) => c.id)).toEqual([call.id]);
    expect(missed.items[0]).toMatchObject({ missed: true, outcome: "missed" });
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 1 });
    await api.as(b).calls.markSeen.mutate();
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 0 });
    // the caller has no missed calls from their own outgoing ring
    expect((await api.as(a).calls.history.query({ filter: "missed" })).items).toEqual([]);
  });

  it("leaves missed calls unseen when their missed-seen event cannot be stored (one transaction)", async () => {
    const { a, b } = await pair();
    await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "audio" });
    expect(await api.sweepAt(later(120))).toBe(1);
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 1 });
    // a fault in storing b's events (as a full disk or a lost connection would cause), for b only
    const admin = createDb(api.databaseUrl, { max: 1 });
    const fn = `fail_events_${b.id.replace(/-/g, "")}`;
    await admin.sql.unsafe(`create function ${fn}() returns trigger language plpgsql as $$ begin raise exception 'events unavailable'; end $$`);
    await admin.sql.unsafe(`create trigger ${fn} before insert on events for each row when (new.user_id = '${b.id}') execute function ${fn}()`);
    try {
      expect(await failure(api.as(b).calls.markSeen.mutate())).toMatchObject({ status: 500 });
    } finally {
      await admin.sql.unsafe(`drop trigger ${fn} on events`);
      await admin.sql.unsafe(`drop function ${fn}()`);
      await admin.close();
    }
    // without the event the other tabs would keep showing the badge: so the calls stay unseen too
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 1 });
    await api.as(b).calls.markSeen.mutate();
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 0 });
  });

  it("stops the ring when the caller cancels", async () => {
    const { a, b } = await pair();
    const bEvents = await api.listen(b);
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    await bEvents.next("incoming-call");
    const cancelled = await api.as(a).calls.cancel.mutate({ callId: call.id });
    expect(cancelled).toMatchObject({ status: "cancelled", outcome: "cancelled" });
    expect(viewOf(await bEvents.next("call-updated")).status).toBe("cancelled");
    expect(await api.as(b).calls.ringing.query()).toEqual([]);
    expect((await api.as(b).calls.get.query({ callId: call.id })).missed).toBe(true);
    expect(await failure(api.as(b).calls.cancel.mutate({ callId: call.id }))).toMatchObject({ status: 403 });
    bEvents.stop();
  });

  it("never rings someone who blocked the caller, and the caller sees exactly an unanswered ring", async () => {
    const { a, b } = await pair();
    const c = await api.signUp("Carol");
    await api.as(b).blocked.add.mutate({ userId: a.id });
    await api.as(c).settings.update.mutate({ ringTimeoutSeconds: 30 });
    const bEvents = await api.listen(b);

    // times are taken from just before each start: on a busy machine the checks below take seconds,
    // and "29 s from now" would then be past the rings' 30 s deadlines
    const blockedStartedAt = Date.now();
    const blockedCall = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    // the same call between two people with no block, for comparison
    const d = await api.signUp("Dave");
    const plainStartedAt = Date.now();
    const plainCall = await api.as(d).calls.start.mutate({ calleeIds: [c.id], kind: "video" });

    await new Promise((r) => setTimeout(r, 300));
    expect(bEvents.events).toEqual([]);
    expect(await api.as(b).calls.ringing.query()).toEqual([]);
    expect(await failure(api.as(b).calls.get.query({ callId: blockedCall.id }))).toEqual({ status: 404, message: "No such call" });
    for (const attempt of [
      () => api.as(b).calls.answer.mutate({ callId: blockedCall.id, kind: "video" }),
      () => api.as(b).calls.decline.mutate({ callId: blockedCall.id }),
      () => api.as(b).calls.leave.mutate({ callId: blockedCall.id }),
      () => api.as(b).calls.join.mutate({ callId: blockedCall.id }),
    ]) {
      expect(await failure(attempt())).toEqual({ status: 404, message: "No such call" });
    }

    // while ringing and after the timeout, the blocked call reads like the unblocked one to the caller
    const strip = (v: View) => ({ status: v.status, outcome: v.outcome, callees: v.participants.filter((p) => p.outcome !== "caller").map((p) => p.outcome) });
    const blockedView = () => api.as(a).calls.get.query({ callId: blockedCall.id });
    const plainView = () => api.as(d).calls.get.query({ callId: plainCall.id });
    expect(strip(await blockedView())).toEqual({ status: "ringing", outcome: "ringing", callees: ["ringing"] });
    expect(strip(await blockedView())).toEqual(strip(await plainView()));
    // the blocked ring lasts exactly as long as a real one
    expect(await api.sweepAt(new Date(blockedStartedAt + 29_000))).toBe(0);
    expect(await api.sweepAt(new Date(plainStartedAt + 31_000))).toBeGreaterThanOrEqual(2);
    expect(strip(await blockedView())).toEqual({ status: "missed", outcome: "no-answer", callees: ["no-answer"] });
    expect(strip(await blockedView())).toEqual(strip(await plainView()));
    expect((await api.as(b).calls.history.query({})).items).toEqual([]);
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 0 });
    bEvents.stop();
  });

  it("tells the caller 'unavailable' when the callee does not accept calls", async () => {
    const { a, b } = await pair();
    await api.as(b).settings.update.mutate({ acceptCalls: false });
    const bEvents = await api.listen(b);
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "audio" });
    expect(call).toMatchObject({ status: "missed", outcome: "unavailable" });
    expect(outcomeOf(call, b.id)).toBe("unavailable");
    await new Promise((r) => setTimeout(r, 200));
    expect(bEvents.events.filter((e) => e.type === "incoming-call")).toEqual([]);
    bEvents.stop();
  });

  it("keeps a blocked caller's attempt invisible when the blocker also takes no calls, and still says 'unavailable'", async () => {
    const { a, b } = await pair();
    await api.as(b).blocked.add.mutate({ userId: a.id });
    await api.as(b).settings.update.mutate({ acceptCalls: false });
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    expect(call).toMatchObject({ status: "missed", outcome: "unavailable" });
    expect((await api.as(b).calls.history.query({})).items).toEqual([]);
    expect(await api.as(b).calls.missedCount.query()).toEqual({ count: 0 });
    expect(await failure(api.as(b).calls.get.query({ callId: call.id }))).toEqual({ status: 404, message: "No such call" });
  });

  it("refuses calls to myself, to unknown people, bad ids and a second ring while ringing", async () => {
    const { a, b } = await pair();
    expect(await failure(api.as(a).calls.start.mutate({ calleeIds: [a.id], kind: "video" }))).toEqual({ status: 400, message: "You can't call yourself" });
    expect(await failure(api.as(a).calls.start.mutate({ calleeIds: [randomUUID()], kind: "video" }))).toEqual({ status: 404, message: "No such user" });
    expect((await failure(api.as(a).calls.start.mutate({ calleeIds: [], kind: "video" }))).status).toBe(400);
    expect((await failure(api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "hologram" as "video" }))).status).toBe(400);
    expect((await failure(api.anonymous.calls.start.mutate({ calleeIds: [b.id], kind: "video" }))).status).toBe(401);
    await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    expect(await failure(api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" }))).toEqual({
      status: 409,
      message: "You're already calling. Hang up first.",
    });
    await api.as(a).blocked.add.mutate({ userId: (await api.signUp("Nope")).id });
  });

  it("lets only one of several simultaneous starts by the same caller ring", async () => {
    const a = await api.signUp("Racer");
    const callees = await Promise.all(["One", "Two", "Three", "Four", "Five"].map((n) => api.signUp(n)));
    const results = await Promise.allSettled(callees.map((c) => api.as(a).calls.start.mutate({ calleeIds: [c.id], kind: "audio" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ message: "You're already calling. Hang up first." });
    }
    const rung = await Promise.all(callees.map((c) => api.as(c).calls.ringing.query()));
    expect(rung.flat()).toHaveLength(1);
  });

  it("keeps calls private to their participants", async () => {
    const { a, b } = await pair();
    const stranger: TestUser = await api.signUp("Mallory");
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    const asStranger = api.as(stranger).calls;
    for (const attempt of [
      () => asStranger.get.query({ callId: call.id }),
      () => asStranger.join.mutate({ callId: call.id }),
      () => asStranger.answer.mutate({ callId: call.id, kind: "video" }),
      () => asStranger.decline.mutate({ callId: call.id }),
      () => asStranger.leave.mutate({ callId: call.id }),
    ]) {
      expect(await failure(attempt())).toEqual({ status: 404, message: "No such call" });
    }
    expect((await api.as(a).calls.get.query({ callId: call.id })).status).toBe("ringing");
    expect((await api.as(stranger).calls.history.query({ withUserId: a.id })).items).toEqual([]);
    expect(await failure(api.as(a).calls.get.query({ callId: "not-a-uuid" }))).toEqual({ status: 400, message: "Not a valid call id" });
  });
});

describe("silencing unknown callers", () => {
  it("counts a shared call only if both were in it, so a group call cannot smuggle a stranger in", async () => {
    const x = await api.signUp("Stranger");
    const y = await api.signUp("Friend");
    const c = await api.signUp("Quiet");
    await api.as(c).settings.update.mutate({ silenceUnknownCallers: true });
    const cEvents = await api.listen(c);

    // X rings Y and C together; only Y answers (C's ring was silent): C was never in a call with X
    const group = await api.as(x).calls.start.mutate({ calleeIds: [y.id, c.id], kind: "audio" });
    await api.as(y).calls.answer.mutate({ callId: group.id, kind: "audio" });
    await api.as(x).calls.leave.mutate({ callId: group.id });

    const direct = await api.as(x).calls.start.mutate({ calleeIds: [c.id], kind: "audio" });
    await new Promise((r) => setTimeout(r, 300));
    expect(cEvents.events.filter((e) => e.type === "incoming-call")).toHaveLength(0);
    expect(await api.as(c).calls.ringing.query()).toEqual([]);
    await api.as(x).calls.cancel.mutate({ callId: direct.id });

    // once C has really talked with X, X is known and rings
    const talk = await api.as(c).calls.start.mutate({ calleeIds: [x.id], kind: "audio" });
    await api.as(x).calls.answer.mutate({ callId: talk.id, kind: "audio" });
    await api.as(x).calls.leave.mutate({ callId: talk.id });
    await api.as(x).calls.start.mutate({ calleeIds: [c.id], kind: "audio" });
    await cEvents.next("incoming-call");
    cEvents.stop();
  });
});

describe("calls: group", () => {
  it("tracks each callee's outcome: B answers, C declines, A and B talk", async () => {
    const a = await api.signUp("Ann");
    const b = await api.signUp("Ben");
    const c = await api.signUp("Cat");
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id, c.id], kind: "video" });
    await api.as(b).calls.answer.mutate({ callId: call.id, kind: "video" });
    const afterDecline = await api.as(c).calls.decline.mutate({ callId: call.id });
    expect(afterDecline.status).toBe("active");
    const seenByA = await api.as(a).calls.get.query({ callId: call.id });
    expect(outcomeOf(seenByA, b.id)).toBe("answered");
    expect(outcomeOf(seenByA, c.id)).toBe("declined");
    expect((await api.as(a).calls.join.mutate({ callId: call.id })).roomName).toBe(`call_${call.id}`);
    expect((await api.as(b).calls.join.mutate({ callId: call.id })).token).toBeTruthy();
    expect((await failure(api.as(c).calls.join.mutate({ callId: call.id }))).status).toBe(403);

    const ended = await api.as(b).calls.leave.mutate({ callId: call.id });
    expect(ended.status).toBe("ended");
    const [cHist] = (await api.as(c).calls.history.query({})).items;
    expect(cHist).toMatchObject({ id: call.id, outcome: "declined", missed: false });
    const perPerson = await api.as(a).calls.history.query({ withUserId: c.id });
    expect(perPerson.items.map((i) => i.id)).toEqual([call.id]);
  });
});

describe("ring deadlines survive a restart", () => {
  it("a second API process over the same database still makes the ring missed on time", async () => {
    const first = await startTestApi();
    const a = await first.signUp("Early");
    const b = await first.signUp("Late");
    const call = await first.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
    await first.close();

    const second = await startTestApi({ databaseUrl: first.databaseUrl });
    try {
      expect(await second.sweepAt(later(29))).toBe(0);
      expect(await second.sweepAt(later(31))).toBe(1);
      expect(await second.as(b).calls.get.query({ callId: call.id })).toMatchObject({ status: "missed", missed: true });
    } finally {
      await second.close();
    }
  });
});
