import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startTestApi, type TestApi } from "../testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe("settings", () => {
  it("updates only what is given and persists it", async () => {
    const me = await api.signUp("Settler");
    const updated = await api.as(me).settings.update.mutate({ ringTimeoutSeconds: 45, silenceUnknownCallers: true });
    expect(updated).toMatchObject({ ringTimeoutSeconds: 45, silenceUnknownCallers: true, acceptCalls: true });
    const renamed = await api.as(me).settings.update.mutate({ displayName: "  New Name  ", allowRecording: true });
    expect(renamed).toMatchObject({ displayName: "New Name", allowRecording: true, ringTimeoutSeconds: 45 });
    expect(await api.as(me).settings.get.query()).toEqual(renamed);
    expect((await api.as(me).me.get.query()).displayName).toBe("New Name");
  });

  it("turns Accept messages off and on again (on by default)", async () => {
    const me = await api.signUp("Quiet");
    expect((await api.as(me).settings.get.query()).acceptMessages).toBe(true);
    expect(await api.as(me).settings.update.mutate({ acceptMessages: false })).toMatchObject({ acceptMessages: false, liveVoicemail: true });
    expect((await api.as(me).settings.get.query()).acceptMessages).toBe(false);
    expect(await api.as(me).settings.update.mutate({ acceptMessages: true })).toMatchObject({ acceptMessages: true });
    expect(await failure(api.as(me).settings.update.mutate({ acceptMessages: "no" as unknown as boolean }))).toMatchObject({ status: 400 });
  });

  it("rejects out-of-range timeouts and empty updates with 400, and writes nothing", async () => {
    const me = await api.signUp("Bounded");
    const before = await api.as(me).settings.get.query();
    expect(await failure(api.as(me).settings.update.mutate({ ringTimeoutSeconds: 10, displayName: "Changed" }))).toEqual({
      status: 400,
      message: "Ring timeout must be between 30 and 60 seconds",
    });
    expect(await failure(api.as(me).settings.update.mutate({ ringTimeoutSeconds: 61 }))).toMatchObject({ status: 400 });
    expect(await failure(api.as(me).settings.update.mutate({}))).toEqual({ status: 400, message: "Nothing to update" });
    expect(await failure(api.as(me).settings.update.mutate({ displayName: "" }))).toEqual({
      status: 400,
      message: "Display name must be 1 to 60 characters",
    });
    expect(await api.as(me).settings.get.query()).toEqual(before);
  });

  it("keeps each person's settings their own", async () => {
    const a = await api.signUp("Mine");
    const b = await api.signUp("Yours");
    await api.as(a).settings.update.mutate({ acceptCalls: false });
    expect((await api.as(b).settings.get.query()).acceptCalls).toBe(true);
    expect((await failure(api.anonymous.settings.update.mutate({ acceptCalls: false }))).status).toBe(401);
  });
});
