import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@ringback/db/client";
import { readEnv, readLogLevel } from "./env";
import { createLogger } from "./logger";
import { REQUEST_ID_HEADER } from "./server";
import { failure, startTestApi, type TestApi } from "./testing/harness";

// Every line the API logs during this file, parsed: the tests read what an operator would.
const logLines: Array<Record<string, unknown>> = [];
const capture = { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) };

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ log: createLogger("info", capture) });
});
afterAll(() => api.close());

/** A tRPC mutation over plain HTTP, the way an outside client sends it. */
async function post(procedure: string, input: unknown, cookie?: string) {
  const res = await fetch(`${api.baseUrl}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ json: input }),
  });
  const body = (await res.json()) as { error?: { json: { message: string; data: Record<string, unknown> } } };
  return { status: res.status, requestId: res.headers.get(REQUEST_ID_HEADER), error: body.error?.json };
}

const signUpInput = (over: Record<string, unknown>) => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return { email: `probe.${tag}@example.com`, password: "correct horse 1", displayName: "Probe", handle: `probe_${tag}`.slice(0, 20), ...over };
};

describe("input that used to reach Postgres and fail there is a readable 400", () => {
  it("refuses NUL and other controls in a sign-up display name", async () => {
    for (const displayName of ["Ann\u0000Lee", "\u0000", "Ann\u001bLee"]) {
      expect(await failure(api.anonymous.auth.signUp.mutate(signUpInput({ displayName })))).toEqual({
        status: 400,
        message: "Display name can't contain control characters",
      });
    }
  });

  it("refuses NUL, a lone surrogate, a bidi override and an invisible-only name in settings.update", async () => {
    const u = await api.signUp("Settings");
    const update = (displayName: string) => failure(api.as(u).settings.update.mutate({ displayName }));
    expect(await update("Ann\u0000")).toEqual({ status: 400, message: "Display name can't contain control characters" });
    expect(await update("Ann\ud800")).toEqual({ status: 400, message: "Display name contains an invalid character" });
    expect(await update("\u202eAnn")).toEqual({ status: 400, message: "Display name can't contain text-direction controls" });
    expect(await update("\u200b\u3164")).toEqual({ status: 400, message: "Display name must include a visible character" });
    expect((await api.as(u).settings.get.query()).displayName).toBe(u.displayName);
    // and a messy but real name is stored normalised
    const saved = await api.as(u).settings.update.mutate({ displayName: "  Rene\u0301e \t\n Smith " });
    expect(saved.displayName).toBe("Ren\u00e9e Smith");
  });

  it("refuses NUL in a search query", async () => {
    const u = await api.signUp("Searcher");
    expect(await failure(api.as(u).users.search.query({ query: "ann\u0000" }))).toEqual({
      status: 400,
      message: "Search can't contain control characters",
    });
  });

  it("refuses history cursors in year 0 and year 10000", async () => {
    const u = await api.signUp("Historian");
    for (const cursor of ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00"]) {
      expect(await failure(api.as(u).calls.history.query({ cursor }))).toEqual({ status: 400, message: "Not a valid cursor" });
    }
    expect((await api.as(u).calls.history.query({ cursor: "9999-12-31T23:59:59Z" })).items).toEqual([]);
  });
});

describe("an unexpected error", () => {
  it("reaches the client as a generic message with a reference, and the log has the details under it", async () => {
    // A real failure inside Postgres: a constraint this test adds to its own database, which the
    // sign-up's INSERT (carrying the new password hash among its parameters) then violates.
    const { sql, close } = createDb(api.databaseUrl, { max: 1 });
    await sql.unsafe("ALTER TABLE users ADD CONSTRAINT forced_failure CHECK (display_name <> 'Forced Failure')");
    await close();
    const input = signUpInput({ displayName: "Forced Failure" });
    const res = await post("auth.signUp", input);

    expect(res.status).toBe(500);
    const reference = res.error?.data.reference;
    expect(reference).toMatch(/^[0-9a-f]{12}$/);
    expect(res.error?.message).toBe(`Something went wrong. Reference: ${String(reference)}`);
    expect(reference).toBe(res.requestId);
    const sent = JSON.stringify(res.error);
    for (const secret of ["insert", "users", "forced_failure", "argon2", input.email, "stack", "cause", " at ", "node_modules"]) {
      expect(sent.toLowerCase()).not.toContain(secret.toLowerCase());
    }

    const logged = logLines.find((l) => l.reference === reference && l.msg === "unexpected error");
    expect(logged).toMatchObject({ level: 50, reqId: reference, path: "auth.signUp" });
    expect(JSON.stringify(logged?.err)).toContain("forced_failure");
    const request = logLines.find((l) => l.reqId === reference && l.msg === "request");
    expect(request).toMatchObject({ method: "POST", path: "/api/trpc/auth.signUp", status: 500, errors: ["auth.signUp INTERNAL_SERVER_ERROR"] });
  });
});

describe("request ids and request logs", () => {
  it("answers every request with an id and logs one line per request under it", async () => {
    const u = await api.signUp("Logged");
    const ok = await fetch(`${api.baseUrl}/api/trpc/contacts.list`, { headers: { cookie: u.cookie } });
    const refused = await fetch(`${api.baseUrl}/api/trpc/contacts.list`);
    const missing = await fetch(`${api.baseUrl}/nothing-here?secret=1`);
    const ids = [ok, refused, missing].map((r) => r.headers.get(REQUEST_ID_HEADER));
    expect(new Set(ids).size).toBe(3);
    // the line is written when the response closes, just after the client has read it
    await new Promise((r) => setTimeout(r, 50));
    const line = (id: string | null) => logLines.find((l) => l.reqId === id && l.msg === "request");
    expect(line(ids[0] ?? null)).toMatchObject({ level: 30, method: "GET", path: "/api/trpc/contacts.list", procedures: ["contacts.list"], status: 200 });
    expect(typeof line(ids[0] ?? null)?.durationMs).toBe("number");
    expect(line(ids[1] ?? null)).toMatchObject({ status: 401, errors: ["contacts.list UNAUTHORIZED"] });
    expect(line(ids[2] ?? null)).toMatchObject({ status: 404, path: "/nothing-here" });
    expect(JSON.stringify(logLines)).not.toContain("secret=1");
  });

  it("answers a request Node cannot parse (a 20 KB URL) with a readable 431", async () => {
    const res = await fetch(`${api.baseUrl}/api/trpc/users.search?input=${"x".repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(await res.json()).toEqual({ error: "Request headers or URL too large" });
  });
});

describe("LOG_LEVEL", () => {
  const base: NodeJS.ProcessEnv = {
    NODE_ENV: "test",
    DATABASE_URL: "postgres://u:p@127.0.0.1:5432/db",
    AUTH_SECRET: "a".repeat(32),
    LIVEKIT_URL: "ws://127.0.0.1:7880",
    LIVEKIT_API_KEY: "devkey",
    LIVEKIT_API_SECRET: "s".repeat(32),
  };
  it("defaults to info for the server and to silent for tests, and refuses an unknown level", () => {
    expect(readEnv(base).LOG_LEVEL).toBe("info");
    expect(readEnv({ ...base, LOG_LEVEL: "debug" }).LOG_LEVEL).toBe("debug");
    expect(() => readEnv({ ...base, LOG_LEVEL: "loud" })).toThrow("LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent");
    expect(readLogLevel({ NODE_ENV: "test" })).toBe("silent");
    expect(readLogLevel({ NODE_ENV: "test", LOG_LEVEL: "warn" })).toBe("warn");
    expect(() => readLogLevel({ NODE_ENV: "test", LOG_LEVEL: "loud" })).toThrow("LOG_LEVEL must be one of");
  });
});
