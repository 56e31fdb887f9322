import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../testing/harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

let addresses = 0;
/** A client address no other test uses (documentation range: only a string to the API). */
const freshAddress = () => `203.0.113.${++addresses}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Attempt = { email: string; password: string; clientAddress: string; device?: { id: string; userId: string } };
const verify = (input: Attempt) => api.internal.auth.verifyCredentials.mutate(input);

/** An attacker guessing from one address after another (so only the per-account limit bites). */
async function guess(email: string, times: number) {
  const outcomes = [];
  for (let i = 0; i < times; i++) outcomes.push(await verify({ email, password: `guess-${i}`, clientAddress: freshAddress() }));
  return outcomes;
}

describe("sign-in throttling", () => {
  it("is for the web server only: browsers cannot call verifyCredentials", async () => {
    const u = await api.signUp("Direct");
    const input = { email: u.email, password: "correct horse 1", clientAddress: "x" };
    expect((await api.anonymous.auth.verifyCredentials.mutate(input).catch((e: { data?: { httpStatus?: number } }) => e.data?.httpStatus))).toBe(403);
    expect((await api.as(u).auth.verifyCredentials.mutate(input).catch((e: { data?: { httpStatus?: number } }) => e.data?.httpStatus))).toBe(403);
  });

  it("refuses the attacker's 11th and later guesses, with delays that grow", async () => {
    const u = await api.signUp("Target");
    expect((await guess(u.email, 10)).map((o) => o.outcome)).toEqual(Array(10).fill("wrong"));
    // 11th at once: refused without a password check, even the right password from a new browser
    expect(await verify({ email: u.email, password: "guess-10", clientAddress: freshAddress() })).toEqual({ outcome: "throttled", retryAfterSeconds: 1 });
    expect(await verify({ email: u.email, password: "correct horse 1", clientAddress: freshAddress() })).toEqual({ outcome: "throttled", retryAfterSeconds: 1 });
    await sleep(1100);
    expect((await guess(u.email, 1))[0]).toEqual({ outcome: "wrong" });
    expect(await verify({ email: u.email, password: "guess-12", clientAddress: freshAddress() })).toEqual({ outcome: "throttled", retryAfterSeconds: 2 });
    await sleep(2100);
    expect((await guess(u.email, 1))[0]).toEqual({ outcome: "wrong" });
    expect(await verify({ email: u.email, password: "guess-13", clientAddress: freshAddress() })).toEqual({ outcome: "throttled", retryAfterSeconds: 4 });
  });

  it("lets the owner sign in during an attack from a browser they signed in on before", async () => {
    const owner = await api.signUp("Owner");
    const device = { id: randomUUID(), userId: owner.id };
    await guess(owner.email, 10);
    expect((await guess(owner.email, 5)).every((o) => o.outcome === "throttled")).toBe(true);

    const fromHome = await verify({ email: owner.email, password: "correct horse 1", clientAddress: freshAddress(), device });
    expect(fromHome.outcome === "ok" && fromHome.user.id).toBe(owner.id);
    // even from the attacker's own address
    const attackerAddress = freshAddress();
    for (let i = 0; i < 3; i++) await verify({ email: owner.email, password: `x-${i}`, clientAddress: attackerAddress });
    expect((await verify({ email: owner.email, password: "correct horse 1", clientAddress: attackerAddress, device })).outcome).toBe("ok");

    // a device cookie issued for another account does not exempt anyone
    const attacker = await api.signUp("Attacker");
    const attackersDevice = { id: randomUUID(), userId: attacker.id };
    expect((await verify({ email: owner.email, password: "guess", clientAddress: freshAddress(), device: attackersDevice })).outcome).toBe("throttled");
  });

  it("limits a trusted browser by its own guesses only", async () => {
    const u = await api.signUp("Typo");
    const device = { id: randomUUID(), userId: u.id };
    for (let i = 0; i < 10; i++) expect((await verify({ email: u.email, password: `typo-${i}`, clientAddress: freshAddress(), device })).outcome).toBe("wrong");
    expect(await verify({ email: u.email, password: "correct horse 1", clientAddress: freshAddress(), device })).toEqual({ outcome: "throttled", retryAfterSeconds: 1 });
    // those guesses did not count against the account for other browsers
    expect((await verify({ email: u.email, password: "correct horse 1", clientAddress: freshAddress() })).outcome).toBe("ok");
  });

  it("limits one address across many emails", async () => {
    const victim = await api.signUp("Sprayed");
    const address = freshAddress();
    for (let i = 0; i < 30; i++) {
      expect((await verify({ email: `spray.${i}.${Date.now()}@example.com`, password: "Summer2026", clientAddress: address })).outcome).toBe("wrong");
    }
    // the 31st guess from that address is refused whatever the email, even a right password
    expect(await verify({ email: victim.email, password: "correct horse 1", clientAddress: address })).toEqual({ outcome: "throttled", retryAfterSeconds: 1 });
    // the same account from elsewhere is fine
    expect((await verify({ email: victim.email, password: "correct horse 1", clientAddress: freshAddress() })).outcome).toBe("ok");
  });

  it("treats unknown and known emails the same way", async () => {
    const u = await api.signUp("Known");
    const ghost = `ghost.${Date.now()}@example.com`;
    const known = await guess(u.email, 11);
    const unknown = await guess(ghost, 11);
    expect(unknown).toEqual(known);
    expect(known.at(-1)).toEqual({ outcome: "throttled", retryAfterSeconds: 1 });
  });

  it("lets at most 10 of 25 parallel guesses through to a password check", async () => {
    const u = await api.signUp("Burst");
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => verify({ email: u.email, password: `burst-${i}`, clientAddress: freshAddress() })),
    );
    expect(results.filter((r) => r.outcome === "wrong").length).toBe(10);
    expect(results.filter((r) => r.outcome === "throttled").length).toBe(15);
  });

  it("does not count a right password as a failure", async () => {
    const u = await api.signUp("Forgetful");
    await guess(u.email, 9);
    for (let i = 0; i < 3; i++) expect((await verify({ email: u.email, password: "correct horse 1", clientAddress: freshAddress() })).outcome).toBe("ok");
  });
});
