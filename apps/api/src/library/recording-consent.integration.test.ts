import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLibraryItem, updateLibraryItem } from "@ringback/db/queries/library";
import { failure, startTestApi, type TestApi, type TestUser } from "../testing/harness";
import { allowRecording, liveCall, mediaEvent } from "./recording-test-kit";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** People who all allow recording. */
async function willing(...names: string[]): Promise<TestUser[]> {
  const people: TestUser[] = [];
  for (const n of names) people.push(await api.signUp(n));
  await allowRecording(api, true, ...people);
  return people;
}

describe("starting a recording", () => {
  it("is refused with the names of everyone present who has not allowed it", async () => {
    const [ann] = await willing("Ann");
    const bo = await api.signUp("Bo");
    const cy = await api.signUp("Cy");
    if (!ann) throw new Error("made above");
    const callId = await liveCall(api, ann, [bo, cy]);

    const refused = await failure(api.as(ann).recordings.start.mutate({ callId }));
    expect(refused).toEqual({ status: 403, message: `${bo.displayName} and ${cy.displayName} haven't allowed recording` });
    const active = await api.as(ann).recordings.active.query({ callId });
    expect(active).toEqual({ recording: null, canStart: { ok: false, reason: `${bo.displayName} and ${cy.displayName} haven't allowed recording` } });

    // the recorder's own setting comes first, in their own words
    await allowRecording(api, false, ann);
    await allowRecording(api, true, bo, cy);
    expect(await failure(api.as(ann).recordings.start.mutate({ callId }))).toEqual({ status: 403, message: "Turn on call recording in Settings to record" });
    // nothing was stored
    await allowRecording(api, true, ann);
    expect((await api.as(ann).recordings.active.query({ callId })).canStart).toEqual({ ok: true });
  });

  it("tells everyone in the call (the recorder too) at once, and allows one recording at a time", async () => {
    const [ann, bo, cy] = await willing("Ann", "Bo", "Cy");
    if (!ann || !bo || !cy) throw new Error("made above");
    const callId = await liveCall(api, ann, [bo, cy]);
    const listeners = await Promise.all([ann, bo, cy].map((p) => api.listen(p)));

    const started = await api.as(ann).recordings.start.mutate({ callId });
    expect(started.uploadUrl).toBe("/api/library/uploads");
    for (const l of listeners) {
      const e = await l.next("recording-started");
      expect(e.payload).toMatchObject({ callId, recordingId: started.recordingId, by: { id: ann.id, displayName: ann.displayName } });
    }
    // Bo sees it; Ann sees it as hers
    const seenByBo = await api.as(bo).recordings.active.query({ callId });
    expect(seenByBo.recording).toMatchObject({ id: started.recordingId, by: { id: ann.id }, mine: false });
    expect(seenByBo.canStart).toEqual({ ok: false, reason: `${ann.displayName} is already recording this call` });
    expect((await api.as(ann).recordings.active.query({ callId })).recording?.mine).toBe(true);
    expect(await failure(api.as(bo).recordings.start.mutate({ callId }))).toEqual({ status: 409, message: `${ann.displayName} is already recording this call` });
    expect(await failure(api.as(ann).recordings.start.mutate({ callId }))).toEqual({ status: 409, message: "You're already recording this call" });

    // the recorder's Library has it, in progress, with the others as its people
    const row = await getLibraryItem(api.db, started.recordingId);
    expect(row).toMatchObject({ ownerId: ann.id, kind: "recording", status: "recording", callId });
    expect(new Set(row?.people)).toEqual(new Set([bo.id, cy.id]));

    // only the recorder stops it; anyone else hears of no such recording
    expect(await failure(api.as(bo).recordings.stop.mutate({ recordingId: started.recordingId }))).toEqual({ status: 404, message: "No such recording" });
    expect(await api.as(ann).recordings.stop.mutate({ recordingId: started.recordingId })).toEqual({ ok: true });
    for (const l of listeners) {
      const e = await l.next("recording-stopped");
      expect(e.payload).toMatchObject({ recordingId: started.recordingId, reason: "stopped", who: null, by: { id: ann.id } });
    }
    // stopping twice is fine; after it, the next one may start (Bo's this time)
    expect(await api.as(ann).recordings.stop.mutate({ recordingId: started.recordingId })).toEqual({ ok: true });
    expect((await api.as(bo).recordings.active.query({ callId })).recording).toBeNull();
    const second = await api.as(bo).recordings.start.mutate({ callId });
    expect(second.recordingId).not.toBe(started.recordingId);
    for (const l of listeners) l.stop();
  });

  it("two starts at once: exactly one wins, the other is told who records", async () => {
    const [ann, bo] = await willing("Ann", "Bo");
    if (!ann || !bo) throw new Error("made above");
    const callId = await liveCall(api, ann, [bo]);
    const results = await Promise.allSettled([api.as(ann).recordings.start.mutate({ callId }), api.as(bo).recordings.start.mutate({ callId })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected");
    expect(String((lost as PromiseRejectedResult).reason)).toMatch(/is already recording this call/);
  });

  it("is only for people in the live call: others, ended calls and made-up ids get NOT_FOUND", async () => {
    const [ann, bo, eve] = await willing("Ann", "Bo", "Eve");
    if (!ann || !bo || !eve) throw new Error("made above");
    const callId = await liveCall(api, ann, [bo]);
    const started = await api.as(ann).recordings.start.mutate({ callId });

    expect(await failure(api.as(eve).recordings.active.query({ callId }))).toEqual({ status: 404, message: "No such call" });
    expect(await failure(api.as(eve).recordings.start.mutate({ callId }))).toEqual({ status: 404, message: "No such call" });
    expect(await failure(api.as(eve).recordings.stop.mutate({ recordingId: started.recordingId }))).toEqual({ status: 404, message: "No such recording" });
    expect(await failure(api.as(ann).recordings.start.mutate({ callId: randomUUID() }))).toEqual({ status: 404, message: "No such call" });
    expect(await failure(api.as(ann).recordings.stop.mutate({ recordingId: randomUUID() }))).toEqual({ status: 404, message: "No such recording" });
    expect((await failure(api.as(ann).recordings.start.mutate({ callId: "not-a-call" }))).status).toBe(400);
    expect((await failure(api.anonymous.recordings.active.query({ callId }))).status).toBe(401);
    // a Library item that is not a recording is no recording either
    expect(await failure(api.as(ann).recordings.stop.mutate({ recordingId: callId }))).toEqual({ status: 404, message: "No such recording" });
  });

  it("is refused when the recorder's Library is full", async () => {
    const small = await startTestApi({ libraryQuotaBytes: 0 });
    try {
      const ann = await small.signUp("Ann");
      const bo = await small.signUp("Bo");
      for (const p of [ann, bo]) await small.as(p).settings.update.mutate({ allowRecording: true });
      const call = await small.as(ann).calls.start.mutate({ calleeIds: [bo.id], kind: "video" });
      await small.as(bo).calls.answer.mutate({ callId: call.id, kind: "video" });
      const refused = await failure(small.as(ann).recordings.start.mutate({ callId: call.id }));
      expect(refused.status).toBe(413);
      expect(refused.message).toMatch(/^Your Library is full \(0 KB of 0 KB used\)/);
      // the record button knows before it is pressed
      expect((await small.as(ann).recordings.active.query({ callId: call.id })).canStart).toEqual({ ok: false, reason: refused.message });
    } finally {
      await small.close();
    }
  });
});

describe("the server stops a recording", () => {
  it("when someone joins who has not allowed recording, before their token is minted", async () => {
    const [ann, bo] = await willing("Ann", "Bo");
    const cy = await api.signUp("Cy");
    if (!ann || !bo) throw new Error("made above");
    const call = await api.as(ann).calls.start.mutate({ calleeIds: [bo.id, cy.id], kind: "video" });
    await mediaEvent(api, "participant_joined", call.id, ann.id);
    await api.as(bo).calls.answer.mutate({ callId: call.id, kind: "video" });
    await mediaEvent(api, "participant_joined", call.id, bo.id);
    const started = await api.as(ann).recordings.start.mutate({ callId: call.id });
    const listeners = await Promise.all([ann, bo, cy].map((p) => api.listen(p)));

    await api.as(cy).calls.answer.mutate({ callId: call.id, kind: "video" });
    const token = await api.as(cy).calls.join.mutate({ callId: call.id });
    expect(token.token).toBeTruthy();
    // by the time Cy holds a token, the recording is stopped and everyone (Cy too) was told why
    const row = await getLibraryItem(api.db, started.recordingId);
    expect(row).toMatchObject({ status: "processing", stopReason: "joined-without-consent" });
    expect(row?.stoppedAt).not.toBeNull();
    for (const l of listeners) {
      const e = await l.next("recording-stopped");
      expect(e.payload).toMatchObject({ recordingId: started.recordingId, reason: "joined-without-consent", who: cy.displayName });
    }
    expect((await api.as(bo).recordings.active.query({ callId: call.id })).canStart).toEqual({ ok: false, reason: `${cy.displayName} hasn't allowed recording` });
    for (const l of listeners) l.stop();
  });

  it("when someone's media comes back without consent (a token from before the recording), and counts joiners who allow it", async () => {
    const [ann, bo, dee] = await willing("Ann", "Bo", "Dee");
    const cy = await api.signUp("Cy");
    if (!ann || !bo || !dee) throw new Error("made above");
    const callId = await liveCall(api, ann, [bo, cy, dee]);
    // Cy and Dee drop out (their media left); without them everyone allows recording
    await mediaEvent(api, "participant_left", callId, cy.id);
    await mediaEvent(api, "participant_left", callId, dee.id);
    const started = await api.as(ann).recordings.start.mutate({ callId });
    expect((await getLibraryItem(api.db, started.recordingId))?.people).toEqual([bo.id]);
    const listen = await api.listen(ann);

    // Dee comes back (she allows it): she is in the recording's people, and it goes on
    await mediaEvent(api, "participant_joined", callId, dee.id);
    const row = await getLibraryItem(api.db, started.recordingId);
    expect(row?.status).toBe("recording");
    expect(new Set(row?.people)).toEqual(new Set([bo.id, dee.id]));

    // Cy's tab reconnects with the token it still holds: LiveKit tells us she joined
    await mediaEvent(api, "participant_joined", callId, cy.id);
    expect((await listen.next("recording-stopped")).payload).toMatchObject({ reason: "joined-without-consent", who: cy.displayName });
    listen.stop();
  });

  it("a late webhook of a joiner without consent cuts the recording where LiveKit says their media joined", async () => {
    const [ann, bo] = await willing("Ann", "Bo");
    const cy = await api.signUp("Cy");
    if (!ann || !bo) throw new Error("made above");
    const callId = await liveCall(api, ann, [bo, cy]);
    await mediaEvent(api, "participant_left", callId, cy.id);
    const first = await api.as(ann).recordings.start.mutate({ callId });
    const began = new Date(Date.now() - 10_000);
    await updateLibraryItem(api.db, first.recordingId, { capturedAt: began });
    // Cy's tab reconnected with the token it held 3 s ago; LiveKit's webhook arrives only now
    const joinedAt = new Date(Date.now() - 3_000);
    await mediaEvent(api, "participant_joined", callId, cy.id, { joinedAt });
    const row = await getLibraryItem(api.db, first.recordingId);
    expect(row).toMatchObject({ status: "processing", stopReason: "joined-without-consent" });
    expect(row?.stoppedAt?.getTime()).toBe(joinedAt.getTime());

    // media that joined before the recording began: nothing of it is kept (cut at its start)
    await mediaEvent(api, "participant_left", callId, cy.id);
    const second = await api.as(ann).recordings.start.mutate({ callId });
    const secondRow = await getLibraryItem(api.db, second.recordingId);
    await mediaEvent(api, "participant_joined", callId, cy.id, { joinedAt: new Date(Date.now() - 60_000) });
    expect((await getLibraryItem(api.db, second.recordingId))?.stoppedAt?.getTime()).toBe(secondRow?.capturedAt.getTime());
  });

  it("counts someone who dropped out and took a new token (calls.join) as present until it expires or they leave again", async () => {
    const [ann, bo] = await willing("Ann", "Bo");
    const cy = await api.signUp("Cy");
    if (!ann || !bo) throw new Error("made above");
    const callId = await liveCall(api, ann, [bo, cy]);
    // Cy drops out (a network blip, a reload) and her tab takes a new token to come back
    expect(await mediaEvent(api, "participant_left", callId, cy.id)).toBe(200);
    await api.as(cy).calls.join.mutate({ callId });
    // Ann presses Record before Cy's media is back: Cy may connect any moment, so she counts
    const refused = await failure(api.as(ann).recordings.start.mutate({ callId }));
    expect(refused).toEqual({ status: 403, message: `${cy.displayName} hasn't allowed recording` });
    expect((await api.as(ann).recordings.active.query({ callId })).canStart).toEqual({ ok: false, reason: `${cy.displayName} hasn't allowed recording` });
    // she turns recording on while holding the token: the others hear of it, and recording may start
    const annHears = await api.listen(ann);
    await allowRecording(api, true, cy);
    expect((await annHears.next("capture-consent-changed")).payload).toMatchObject({ callId, userId: cy.id, allowRecording: true });
    const started = await api.as(ann).recordings.start.mutate({ callId });
    expect(new Set((await getLibraryItem(api.db, started.recordingId))?.people)).toEqual(new Set([bo.id, cy.id]));
    // and turning it off again stops it, though LiveKit never said her media was back
    await allowRecording(api, false, cy);
    expect((await annHears.next("recording-stopped")).payload).toMatchObject({ recordingId: started.recordingId, reason: "consent-withdrawn", who: cy.displayName });
    annHears.stop();

    // she leaves after the token (her media came and went): no longer counted
    await mediaEvent(api, "participant_joined", callId, cy.id);
    await mediaEvent(api, "participant_left", callId, cy.id);
    expect((await api.as(ann).recordings.active.query({ callId })).canStart).toEqual({ ok: true });
    // a token that has expired unused does not count either
    await api.as(cy).calls.join.mutate({ callId });
    expect((await api.as(ann).recordings.active.query({ callId })).canStart).toMatchObject({ ok: false });
    await api.db.$client`update call_participants set token_minted_at = now() - interval '6 minutes' where call_id = ${callId} and user_id = ${cy.id}`;
    expect((await api.as(ann).recordings.active.query({ callId })).canStart).toEqual({ ok: true });
    const later = await api.as(ann).recordings.start.mutate({ callId });

    // her tab asks for a token again while that recording runs: it stops before the token is minted
    const boHears = await api.listen(bo);
    await api.as(cy).calls.join.mutate({ callId });
    expect(await getLibraryItem(api.db, later.recordingId)).toMatchObject({ status: "processing", stopReason: "joined-without-consent" });
    expect((await boHears.next("recording-stopped")).payload).toMatchObject({ recordingId: later.recordingId, reason: "joined-without-consent", who: cy.displayName });
    boHears.stop();
  });

  it("when someone present turns recording off, and others hear of every capture setting change", async () => {
    const [ann, bo] = await willing("Ann", "Bo");
    if (!ann || !bo) throw new Error("made above");
    const callId = await liveCall(api, ann, [bo]);
    const started = await api.as(ann).recordings.start.mutate({ callId });
    const annHears = await api.listen(ann);
    const boHears = await api.listen(bo);

    await api.as(bo).settings.update.mutate({ allowLivePhotos: false });
    expect((await annHears.next("capture-consent-changed")).payload).toEqual({ callId, userId: bo.id, allowLivePhotos: false, allowRecording: true });
    expect((await getLibraryItem(api.db, started.recordingId))?.status).toBe("recording");

    await api.as(bo).settings.update.mutate({ allowRecording: false });
    for (const l of [annHears, boHears]) {
      expect((await l.next("recording-stopped")).payload).toMatchObject({ recordingId: started.recordingId, reason: "consent-withdrawn", who: bo.displayName });
    }
    expect((await annHears.next("capture-consent-changed")).payload).toEqual({ callId, userId: bo.id, allowLivePhotos: false, allowRecording: false });
    // a change of something else says nothing
    await api.as(bo).settings.update.mutate({ ringTimeoutSeconds: 40 });
    await new Promise((r) => setTimeout(r, 300));
    expect(annHears.events.filter((e) => e.type === "capture-consent-changed")).toHaveLength(2);
    // Bo is not told of his own change
    expect(boHears.events.filter((e) => e.type === "capture-consent-changed")).toHaveLength(0);
    annHears.stop();
    boHears.stop();
  });

  it("when the recorder leaves, and when the call is over", async () => {
    const [ann, bo, cy] = await willing("Ann", "Bo", "Cy");
    if (!ann || !bo || !cy) throw new Error("made above");
    const callId = await liveCall(api, ann, [bo, cy]);
    const first = await api.as(bo).recordings.start.mutate({ callId });
    const annHears = await api.listen(ann);
    expect(await mediaEvent(api, "participant_left", callId, bo.id)).toBe(200);
    expect((await annHears.next("recording-stopped")).payload).toMatchObject({ recordingId: first.recordingId, reason: "recorder-left", by: { id: bo.id } });

    const second = await api.as(ann).recordings.start.mutate({ callId });
    await mediaEvent(api, "room_finished", callId);
    expect((await annHears.next("recording-stopped")).payload).toMatchObject({ recordingId: second.recordingId, reason: "call-ended" });
    expect(await getLibraryItem(api.db, second.recordingId)).toMatchObject({ status: "processing", stopReason: "call-ended" });
    expect(await failure(api.as(ann).recordings.start.mutate({ callId }))).toEqual({ status: 404, message: "No such call" });
    expect((await api.as(ann).recordings.active.query({ callId })).canStart).toEqual({ ok: false, reason: "This call has ended" });
    annHears.stop();
  });

  it("when the recorder hangs up", async () => {
    const [ann, bo] = await willing("Ann", "Bo");
    if (!ann || !bo) throw new Error("made above");
    const callId = await liveCall(api, ann, [bo]);
    const started = await api.as(ann).recordings.start.mutate({ callId });
    await api.as(ann).calls.leave.mutate({ callId });
    expect(await getLibraryItem(api.db, started.recordingId)).toMatchObject({ status: "processing", stopReason: "recorder-left" });
  });
});
