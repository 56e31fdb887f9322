import { randomUUID } from "node:crypto";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIBRARY_LIMITS } from "@ringback/core/library";
import { getLibraryItem, insertLibraryItem, updateLibraryItem } from "@ringback/db/queries/library";
import { startTestApi, type TestApi } from "../testing/harness";
import { recordingUploadDir } from "./recording-files";
import { allowRecording, liveCall, streamRecording } from "./recording-test-kit";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const at = (ms: number) => new Date(Date.now() + ms);

describe("the Library sweep", () => {
  it("removes Live Photos whose files never came, with whatever of them was stored, and tells the taker", async () => {
    const ann = await api.signUp("Ann");
    const bo = await api.signUp("Bo");
    const id = randomUUID();
    const fresh = randomUUID();
    await insertLibraryItem(api.db, { id, ownerId: ann.id, kind: "live-photo", status: "capturing", people: [bo.id], createdAt: at(-60_000) });
    await insertLibraryItem(api.db, { id: fresh, ownerId: ann.id, kind: "live-photo", status: "capturing", people: [bo.id] });
    // half a capture made it to storage before the tab went away
    const still = join(api.media.uploadDir, `${id}.jpg`);
    await mkdir(api.media.uploadDir, { recursive: true });
    await writeFile(still, "jpeg bytes");
    await api.media.storage.putFile(`library/${id}/still.jpg`, still);
    const hears = await api.listen(ann);

    // not yet abandoned
    expect((await api.sweepMediaAt(new Date())).library.captures).toBe(0);
    const swept = await api.sweepMediaAt(at(LIBRARY_LIMITS.captureAbandonAfterMs - 5_000));
    expect(swept.library.captures).toBe(1);
    expect(await getLibraryItem(api.db, id)).toBeNull();
    expect(await api.media.storage.stat(`library/${id}/still.jpg`)).toBeNull();
    // one pressed a moment ago stays
    expect((await getLibraryItem(api.db, fresh))?.status).toBe("capturing");
    expect((await hears.next("library-changed")).payload).toEqual({ itemId: id, change: "deleted" });
    hears.stop();
  });

  it("fails recordings whose processing never finished, and finishes ones whose recorder went quiet", async () => {
    const ann = await api.signUp("Ann");
    const bo = await api.signUp("Bo");
    await allowRecording(api, true, ann, bo);
    const callId = await liveCall(api, ann, [bo]);
    const { recordingId } = await api.as(ann).recordings.start.mutate({ callId });
    // its processing is stuck (its job lost)
    await updateLibraryItem(api.db, recordingId, { status: "processing", stoppedAt: at(-LIBRARY_LIMITS.processingAbandonAfterMs - 60_000), stopReason: "stopped" });
    const swept = await api.sweepMediaAt(new Date());
    expect(swept.library.stuck).toBe(1);
    expect((await getLibraryItem(api.db, recordingId))?.status).toBe("failed");

    // a second one in the same call, whose recorder went quiet: the sweep finishes it too
    const second = await api.as(ann).recordings.start.mutate({ callId });
    expect((await api.sweepMediaAt(at(LIBRARY_LIMITS.recordingIdleMs + 1_000))).library.recorders).toBeGreaterThanOrEqual(1);
    expect(await getLibraryItem(api.db, second.recordingId)).toMatchObject({ status: expect.stringMatching(/processing|failed/), stopReason: "recorder-left" });
  });

  it("removes recording upload files no unfinished recording owns, once they are old", async () => {
    const ann = await api.signUp("Ann");
    const bo = await api.signUp("Bo");
    await allowRecording(api, true, ann, bo);
    const callId = await liveCall(api, ann, [bo]);
    const { recordingId } = await api.as(ann).recordings.start.mutate({ callId });
    const bytes = new Uint8Array(5000);
    const { writeFile: write } = await import("node:fs/promises");
    const file = join(api.media.uploadDir, "chunk.bin");
    await write(file, bytes);
    const live = await streamRecording(api, ann, recordingId, file, { finish: false });
    const liveId = live.location.split("/").at(-1) ?? "";
    // an orphan: files of an upload no recording knows
    const dir = recordingUploadDir(api.media.uploadDir);
    const orphan = "ab".repeat(16);
    await writeFile(join(dir, orphan), "left over");
    await writeFile(join(dir, `${orphan}.json`), "{}");
    const old = new Date(Date.now() - 11 * 60_000);
    for (const name of [orphan, `${orphan}.json`, liveId, `${liveId}.json`]) await utimes(join(dir, name), old, old);

    const swept = await api.sweepMediaAt(new Date());
    expect(swept.library.uploads).toBe(1);
    const left = await readdir(dir);
    expect(left).not.toContain(orphan);
    // the recording in progress keeps its upload, however old its files look
    expect(left).toContain(liveId);
  });
});
