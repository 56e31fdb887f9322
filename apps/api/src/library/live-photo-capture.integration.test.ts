import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLibraryItem } from "@ringback/db/queries/library";
import { failure, startTestApi, type TestApi, type TestUser } from "../testing/harness";
import { MAX_PENDING_CAPTURES, TOO_MANY_CAPTURES } from "./live-photo-capture";
import { liveCall, mediaEvent } from "./live-photo-test-kit";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const allow = (user: TestUser, on: boolean) => api.as(user).settings.update.mutate({ allowLivePhotos: on });

describe("livePhotos.capture", () => {
  it("creates the item capturing and tells the subject at the press, in the same moment the taker's Library hears of it", async () => {
    const ana = await api.signUp("Ana");
    const ben = await api.signUp("Ben");
    const callId = await liveCall(api, ana, [ben]);
    const [benEvents, anaEvents] = await Promise.all([api.listen(ben), api.listen(ana)]);

    const before = Date.now();
    const { itemId, uploadUrl } = await api.as(ana).livePhotos.capture.mutate({ callId, subjectId: ben.id });
    expect(uploadUrl).toBe(`/api/library/photos/${itemId}`);

    const told = await benEvents.next("live-photo-taken");
    expect(told.payload).toMatchObject({ callId, by: { id: ana.id, displayName: ana.displayName, handle: ana.handle } });
    expect(new Date(told.payload.takenAt as string).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await anaEvents.next("library-changed")).payload).toEqual({ itemId, change: "added" });
    // the taker is not told they were photographed, and the subject's Library hears nothing
    expect(anaEvents.events.some((e) => e.type === "live-photo-taken")).toBe(false);
    expect(benEvents.events.some((e) => e.type === "library-changed")).toBe(false);

    const row = await getLibraryItem(api.db, itemId);
    expect(row).toMatchObject({ ownerId: ana.id, kind: "live-photo", status: "capturing", callId, people: [ben.id], sizeBytes: 0 });
    benEvents.stop();
    anaEvents.stop();
  });

  it("follows both people's setting: availability and capture agree for every combination", async () => {
    for (const [takerOn, subjectOn] of [
      [true, true],
      [true, false],
      [false, true],
      [false, false],
    ] as const) {
      const ana = await api.signUp("Ana");
      const ben = await api.signUp("Ben");
      const callId = await liveCall(api, ana, [ben]);
      await allow(ana, takerOn);
      await allow(ben, subjectOn);
      const expected = !takerOn ? "Turn on Live Photos in Settings to take one" : !subjectOn ? `${ben.displayName} doesn't allow Live Photos` : null;

      const { subjects } = await api.as(ana).livePhotos.availability.query({ callId });
      expect(subjects).toEqual([{ userId: ben.id, displayName: ben.displayName, allowed: expected === null, reason: expected }]);
      const press = api.as(ana).livePhotos.capture.mutate({ callId, subjectId: ben.id });
      if (expected === null) {
        expect((await press).itemId).toMatch(/^[0-9a-f-]{36}$/);
      } else {
        expect(await failure(press)).toEqual({ status: 403, message: expected });
      }
    }
  });

  it("answers someone not in the call with the subject the same whatever the subject's setting, and tells the subject nothing", async () => {
    const answers: string[] = [];
    for (const subjectOn of [true, false]) {
      const ana = await api.signUp("Ana");
      const ben = await api.signUp("Ben");
      const cy = await api.signUp("Cy");
      await allow(ben, subjectOn);
      const callId = await liveCall(api, ana, [ben, cy]);
      // Ben leaves; Ana and Cy talk on
      await mediaEvent(api, callId, ben.id, "participant_left");
      const benEvents = await api.listen(ben);
      const refused = await failure(api.as(ana).livePhotos.capture.mutate({ callId, subjectId: ben.id }));
      expect(refused.status).toBe(403);
      answers.push(refused.message.replace(ben.displayName, "<Ben>"));
      // nobody who left is listed, so their setting never shows
      expect((await api.as(ana).livePhotos.availability.query({ callId })).subjects.map((s) => s.userId)).toEqual([cy.id]);
      await new Promise((r) => setTimeout(r, 200));
      expect(benEvents.events.filter((e) => e.type === "live-photo-taken")).toEqual([]);
      benEvents.stop();
    }
    expect(answers).toEqual(["<Ben> isn't in this call with you", "<Ben> isn't in this call with you"]);
  });

  it("does not name a subject id that is nobody in this call (a stranger, a made-up id, the taker)", async () => {
    const ana = await api.signUp("Ana");
    const ben = await api.signUp("Ben");
    const stranger = await api.signUp("Stranger");
    const callId = await liveCall(api, ana, [ben]);
    for (const subjectId of [stranger.id, randomUUID(), ana.id]) {
      expect(await failure(api.as(ana).livePhotos.capture.mutate({ callId, subjectId }))).toEqual({ status: 403, message: "This person isn't in this call with you" });
    }
  });

  it("answers a silently rung (blocked) callee exactly as one still ringing: same status, same bytes", async () => {
    const ana = await api.signUp("Ana");
    const bea = await api.signUp("Bea"); // has blocked Ana: her ring is silent, Ana's view shows it ringing
    const cal = await api.signUp("Cal"); // answers
    const dov = await api.signUp("Dov"); // rung normally, has not answered yet
    for (const c of [bea, cal, dov]) await api.as(c).contacts.add.mutate({ userId: ana.id });
    await api.as(bea).blocked.add.mutate({ userId: ana.id });
    // the same name for both, so the answers can be compared byte for byte
    for (const who of [bea, dov]) await api.as(who).settings.update.mutate({ displayName: "Sam Lee", allowLivePhotos: true });
    const call = await api.as(ana).calls.start.mutate({ calleeIds: [bea.id, cal.id, dov.id], kind: "video" });
    await api.as(cal).calls.answer.mutate({ callId: call.id, kind: "video" });
    for (const who of [ana, cal]) await mediaEvent(api, call.id, who.id, "participant_joined");
    // Ana's own call view names both, both ringing: the answers below may not tell them apart
    const view = await api.as(ana).calls.get.query({ callId: call.id });
    const seen = (id: string) => view.participants.find((p) => p.userId === id);
    expect(seen(bea.id)).toMatchObject({ displayName: "Sam Lee", outcome: "ringing" });
    expect(seen(dov.id)).toMatchObject({ displayName: "Sam Lee", outcome: "ringing" });

    const blocked = await failure(api.as(ana).livePhotos.capture.mutate({ callId: call.id, subjectId: bea.id }));
    const ringing = await failure(api.as(ana).livePhotos.capture.mutate({ callId: call.id, subjectId: dov.id }));
    expect(JSON.stringify(blocked)).toBe(JSON.stringify(ringing));
    expect(blocked).toEqual({ status: 403, message: "Sam Lee isn't in this call with you" });
    // and the shutter lists neither (only people connected are listed)
    expect((await api.as(ana).livePhotos.availability.query({ callId: call.id })).subjects.map((s) => s.userId)).toEqual([cal.id]);
  });

  it("needs the taker connected too, and a live video call", async () => {
    const ana = await api.signUp("Ana");
    const ben = await api.signUp("Ben");
    const cy = await api.signUp("Cy");
    const callId = await liveCall(api, ana, [ben, cy]);
    await mediaEvent(api, callId, ana.id, "participant_left");
    expect(await failure(api.as(ana).livePhotos.capture.mutate({ callId, subjectId: ben.id }))).toEqual({ status: 403, message: `${ben.displayName} isn't in this call with you` });
    const { subjects } = await api.as(ana).livePhotos.availability.query({ callId });
    expect(subjects.every((s) => !s.allowed && s.reason?.endsWith("isn't in this call with you"))).toBe(true);

    const dee = await api.signUp("Dee");
    const eve = await api.signUp("Eve");
    const audio = await liveCall(api, dee, [eve], "audio");
    expect(await failure(api.as(dee).livePhotos.capture.mutate({ callId: audio, subjectId: eve.id }))).toEqual({ status: 400, message: "Live Photos need a video call" });
    expect((await api.as(dee).livePhotos.availability.query({ callId: audio })).subjects).toEqual([
      { userId: eve.id, displayName: eve.displayName, allowed: false, reason: "Live Photos need a video call" },
    ]);

    // a call that is over has nobody in it
    await api.as(eve).calls.leave.mutate({ callId: audio });
    expect((await api.as(dee).livePhotos.availability.query({ callId: audio })).subjects).toEqual([]);
    expect(await failure(api.as(dee).livePhotos.capture.mutate({ callId: audio, subjectId: eve.id }))).toEqual({ status: 403, message: `${eve.displayName} isn't in this call with you` });
  });

  it("is No such call for a call that is not yours or does not exist, and for a visitor", async () => {
    const ana = await api.signUp("Ana");
    const ben = await api.signUp("Ben");
    const outsider = await api.signUp("Outsider");
    const callId = await liveCall(api, ana, [ben]);
    for (const [who, id] of [
      [outsider, callId],
      [ana, randomUUID()],
    ] as const) {
      expect(await failure(api.as(who).livePhotos.capture.mutate({ callId: id, subjectId: ben.id }))).toEqual({ status: 404, message: "No such call" });
      expect(await failure(api.as(who).livePhotos.availability.query({ callId: id }))).toEqual({ status: 404, message: "No such call" });
    }
    expect(await failure(api.anonymous.livePhotos.capture.mutate({ callId, subjectId: ben.id }))).toMatchObject({ status: 401 });
    expect(await failure(api.as(ana).livePhotos.capture.mutate({ callId: "nope", subjectId: ben.id }))).toMatchObject({ status: 400, message: "Not a valid call id" });
  });

  it("lists everyone else connected in a group call, each with their own answer", async () => {
    const ana = await api.signUp("Ana");
    const ben = await api.signUp("Ben");
    const cy = await api.signUp("Cy");
    await allow(cy, false);
    const callId = await liveCall(api, ana, [ben, cy]);
    const { subjects } = await api.as(ana).livePhotos.availability.query({ callId });
    expect(subjects.sort((a, b) => a.displayName.localeCompare(b.displayName))).toEqual([
      { userId: ben.id, displayName: ben.displayName, allowed: true, reason: null },
      { userId: cy.id, displayName: cy.displayName, allowed: false, reason: `${cy.displayName} doesn't allow Live Photos` },
    ]);
  });

  it("refuses a shutter pressed faster than its photos upload", async () => {
    const ana = await api.signUp("Ana");
    const ben = await api.signUp("Ben");
    const callId = await liveCall(api, ana, [ben]);
    for (let i = 0; i < MAX_PENDING_CAPTURES; i++) await api.as(ana).livePhotos.capture.mutate({ callId, subjectId: ben.id });
    expect(await failure(api.as(ana).livePhotos.capture.mutate({ callId, subjectId: ben.id }))).toEqual({ status: 429, message: TOO_MANY_CAPTURES });
  });
});

describe("livePhotos.capture with a full Library", () => {
  let small: TestApi;
  beforeAll(async () => {
    small = await startTestApi({ libraryQuotaBytes: 0 });
  });
  afterAll(() => small.close());

  it("refuses with 413 and the readable reason, creating nothing and telling nobody", async () => {
    const ana = await small.signUp("Ana");
    const ben = await small.signUp("Ben");
    const callId = await liveCall(small, ana, [ben]);
    const benEvents = await small.listen(ben);
    const refused = await failure(small.as(ana).livePhotos.capture.mutate({ callId, subjectId: ben.id }));
    expect(refused.status).toBe(413);
    expect(refused.message).toMatch(/^Your Library is full \(0 KB of 0 KB used\)/);
    await new Promise((r) => setTimeout(r, 200));
    expect(benEvents.events).toEqual([]);
    benEvents.stop();
  });
});
