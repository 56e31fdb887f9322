import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { livekitNodeFor } from "@ringback/core/livekit-nodes";
import { openRawEventStream } from "@ringback/api/testing/raw-event-stream";
import {
  addContacts,
  callFromContacts,
  expectAudioFlowing,
  expectVideoPlaying,
  incomingFrom,
  newPerson,
  remoteVideo,
  trpcQuery,
  type Person,
} from "../e2e/helpers/calls";
import { listMessages, sendClipAsMessage } from "../e2e/helpers/media";

/*
 * The cluster-test stack (scripts/stack/main.ts --profile cluster-test): two LiveKit nodes sharing
 * Redis, two API processes (3411, 3412) behind Caddy on 3401, the web app on 3400.
 */
const NODES = ["ws://127.0.0.1:7930", "ws://127.0.0.1:7940"];
const API_1 = "http://127.0.0.1:3411";
const API_2 = "http://127.0.0.1:3412";
/** SeaweedFS's S3 gateway in the cluster-test profile (scripts/stack/profiles.ts). */
const S3_ENDPOINT = "http://127.0.0.1:8433";

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

/** The LiveKit signalling sockets a page opens (which node it talks to). */
function watchSockets(page: Page): string[] {
  const urls: string[] = [];
  page.on("websocket", (ws) => urls.push(ws.url()));
  return urls;
}

/**
 * The LiveKit url a page is handed: by calls.join (the caller), or with the answer (calls.answer
 * { join: true }, the callee's Accept). The app's tRPC client may batch either with other calls.
 */
function joinUrl(page: Page): Promise<string> {
  return page
    .waitForResponse((r) => /calls\.(join|answer)/.test(r.url()) && r.request().method() === "POST", { timeout: 30_000 })
    .then(async (r) => {
      const body = (await r.json()) as unknown;
      type Grant = { url?: string };
      const items = (Array.isArray(body) ? body : [body]) as Array<{ result?: { data?: { json?: Grant & { join?: Grant | null } } } }>;
      const url = items.map((item) => item.result?.data?.json?.url ?? item.result?.data?.json?.join?.url).find((u) => typeof u === "string");
      if (!url) throw new Error(`calls.join / calls.answer gave no url: ${JSON.stringify(body).slice(0, 300)}`);
      return url;
    });
}

/** Where each open peer connection's media goes: the selected ICE pair's remote end. */
function mediaPairs(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const connections = (window as unknown as { __e2ePeerConnections?: RTCPeerConnection[] }).__e2ePeerConnections ?? [];
    const pairs: string[] = [];
    for (const pc of connections) {
      if (pc.connectionState === "closed") continue;
      const stats = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      stats.forEach((s: Record<string, unknown>) => byId.set(String(s.id), s));
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type !== "transport" || !s.selectedCandidatePairId) return;
        const pair = byId.get(String(s.selectedCandidatePairId));
        const remote = pair ? byId.get(String(pair.remoteCandidateId)) : undefined;
        if (remote) pairs.push(`${String(remote.protocol)} ${String(remote.address)}:${String(remote.port)} (${String(remote.candidateType)})`);
      });
    }
    return pairs;
  });
}

/** This person's session cookie, to talk to one API process directly. */
async function cookieOf(person: Person): Promise<string> {
  const cookies = (await person.context.cookies()).filter((c) => c.name.includes("session-token"));
  expect(cookies, "a session cookie").not.toHaveLength(0);
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

async function trpcAt<T>(base: string, cookie: string, path: string, input: unknown): Promise<T> {
  const response = await fetch(`${base}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ json: input }),
  });
  const text = await response.text();
  expect(response.status, `${path} at ${base}: ${text.slice(0, 300)}`).toBe(200);
  return (JSON.parse(text) as { result: { data: { json: T } } }).result.data.json;
}

/** A ring from api-1 to a callee streaming from api-2, left unanswered; checked in two halves around the wait. */
async function startUnansweredRing(browser: Browser) {
  const [caller, callee] = await Promise.all([newPerson(browser, "Cy"), newPerson(browser, "Di")]);
  people.push(caller, callee);
  // the callee's own page is elsewhere: only the stream below (on api-2) is watched
  await callee.page.goto("/settings");
  const stream = openRawEventStream(API_2, await cookieOf(callee));
  await stream.opened();
  const call = await trpcAt<{ id: string }>(API_1, await cookieOf(caller), "calls.start", { calleeIds: [callee.id], kind: "audio" });
  type CallEvent = { type: string; payload: unknown };
  const callOf = (e: CallEvent) => (e.payload as { call?: { id?: string; status?: string } }).call;
  const ofThisCall = (type: string, status?: string) => (got: CallEvent[]) =>
    got.filter((e) => e.type === type && callOf(e)?.id === call.id && (status === undefined || callOf(e)?.status === status));

  // (b) the ring started on api-1 reaches the stream on api-2
  await stream.until((got) => ofThisCall("incoming-call")(got).length > 0, 10_000);

  return {
    stream,
    /** (c) after the ring timeout (30 s) one of the two sweepers expires it, and only one */
    async expectMissedOnce(): Promise<void> {
      const missed = ofThisCall("call-updated", "missed");
      await stream.until((got) => missed(got).length > 0, 45_000);
      // both sweepers run every 500 ms: a second expiry would show within a few rounds
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(missed(stream.events)).toHaveLength(1);
      const history = await trpcQuery<{ items: Array<{ id: string }> }>(callee.page, "calls.history", { filter: "missed" });
      expect(history.items.map((item) => item.id)).toEqual([call.id]);
    },
  };
}

// One test: the unanswered ring's 30 s run while the video call is checked, to keep the layer short.
test("across nodes and processes: video and sound both ways, a video message stored in S3, and a ring that reaches the other API process and is missed exactly once", async ({ browser }) => {
  test.setTimeout(120_000);
  const ring = await test.step("ring from api-1 reaches the callee's stream on api-2", () => startUnansweredRing(browser));
  try {
    const [caller, callee] = await test.step("a video call between people on different LiveKit nodes", () => videoCallAcrossNodes(browser));
    await test.step("a video message uploaded through the proxy is stored in S3 and plays", () => messageThroughCluster(caller, callee));
    await test.step("the unanswered ring becomes missed exactly once", () => ring.expectMissedOnce());
  } finally {
    ring.stream.close();
  }
});

async function videoCallAcrossNodes(browser: Browser): Promise<[Person, Person]> {
  const caller = await newPerson(browser, "Ada");
  people.push(caller);
  // sign people up until one lands on the other node (one in two does)
  let callee: Person | undefined;
  for (let i = 0; i < 8 && !callee; i++) {
    const candidate = await newPerson(browser, "Bo");
    people.push(candidate);
    if (livekitNodeFor(candidate.id, NODES) !== livekitNodeFor(caller.id, NODES)) callee = candidate;
  }
  if (!callee) throw new Error("no one landed on the other LiveKit node");
  const sockets = [watchSockets(caller.page), watchSockets(callee.page)];
  await addContacts(caller, callee);

  const callerJoin = joinUrl(caller.page);
  await callFromContacts(caller, callee, "video");
  const ring = incomingFrom(callee.page, caller);
  await expect(ring).toBeVisible({ timeout: 15_000 });
  const calleeJoin = joinUrl(callee.page);
  await ring.getByRole("button", { name: "Accept with video" }).click();
  await expect(callee.page).toHaveURL(/\/call\//);

  const urls = [await callerJoin, await calleeJoin];
  expect(urls).toEqual([livekitNodeFor(caller.id, NODES), livekitNodeFor(callee.id, NODES)]);
  expect(urls[0]).not.toBe(urls[1]);

  await Promise.all([expectVideoPlaying(remoteVideo(caller.page, callee)), expectVideoPlaying(remoteVideo(callee.page, caller))]);
  await Promise.all([expectAudioFlowing(caller.page, callee), expectAudioFlowing(callee.page, caller)]);

  // each browser's signalling went to its own node
  for (const [i, url] of urls.entries()) expect(sockets[i]!.some((s) => s.startsWith(`${url}/`)), `${sockets[i]!.join(", ")}`).toBe(true);
  const pairs = { caller: await mediaPairs(caller.page), callee: await mediaPairs(callee.page) };
  test.info().annotations.push({ type: "signalling", description: `caller ${urls[0]}, callee ${urls[1]}` });
  test.info().annotations.push({ type: "media pairs", description: JSON.stringify(pairs) });
  console.log(`cluster call: caller on ${urls[0]}, callee on ${urls[1]}; media ${JSON.stringify(pairs)}`);

  await caller.page.getByRole("button", { name: "End call" }).click();
  await expect(callee.page).toHaveURL(/\/calls$/, { timeout: 15_000 });
  return [caller, callee];
}

/**
 * A declined call's video message goes up through the proxy (the tus creation and its PATCH may reach
 * different API processes: both share MEDIA_DIR), is made playable by whichever process takes the job,
 * and is stored in SeaweedFS: the recipient is redirected to a signed URL there and gets the video.
 */
async function messageThroughCluster(from: Person, to: Person): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "rb-cluster-"));
  let clip: Buffer;
  try {
    const webm = join(dir, "message.webm");
    execFileSync("ffmpeg", [
      "-hide_banner", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=1",
      "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
      "-c:v", "libvpx", "-b:v", "200k", "-c:a", "libopus", "-ar", "48000",
      webm,
    ]);
    clip = readFileSync(webm);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const messageId = await sendClipAsMessage(from, to, clip);
  let mediaUrl = "";
  await expect
    .poll(async () => (mediaUrl = (await listMessages(to.page)).find((m) => m.id === messageId)?.mediaUrl ?? ""), {
      timeout: 30_000,
      message: "the message reaches its recipient",
    })
    .not.toBe("");
  const redirect = await to.page.request.get(mediaUrl, { maxRedirects: 0 });
  expect(redirect.status(), await redirect.text()).toBe(302);
  const location = redirect.headers()["location"] ?? "";
  expect(location.startsWith(`${S3_ENDPOINT}/`), location).toBe(true);
  const media = await fetch(location);
  expect(media.status).toBe(200);
  const bytes = Buffer.from(await media.arrayBuffer());
  // a WebM file (EBML header) of about the size sent
  expect(bytes.subarray(0, 4).toString("hex")).toBe("1a45dfa3");
  expect(bytes.length).toBeGreaterThan(clip.length / 4);
}
