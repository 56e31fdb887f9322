import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import { publicTest } from "./chromium";
import { signUpViaUi, snap, uniqueUser } from "./helpers";
import { callFromContacts, expectAudioFlowing, expectVideoPlaying, incomingFrom, remoteVideo, type Person } from "./helpers/calls";
import { installRtcProbe } from "./helpers/rtc-probe";

/*
 * The public-test stack: https://ringback.test:8443 served by Caddy (its internal CA, trusted by
 * public-key hash), LiveKit's signalling on the same origin, and LiveKit's TURN on 127.0.0.2
 * (UDP 3488, TLS 5359). Chromium resolves ringback.test to 127.0.0.2.
 */

const people: Person[] = [];

/** A tRPC call from inside the page: Playwright's own request client resolves ringback.test with DNS, not with Chromium's rules. */
async function trpc<T>(page: Page, method: "GET" | "POST", path: string, input?: unknown): Promise<T> {
  const result = await page.evaluate(
    async ({ method, path, input }) => {
      const response = await fetch(`/api/trpc/${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: method === "POST" ? JSON.stringify({ json: input }) : undefined,
      });
      return { status: response.status, body: (await response.json()) as { result?: { data?: { json?: unknown } } } };
    },
    { method, path, input },
  );
  expect(result.status, `${path}: ${JSON.stringify(result.body)}`).toBe(200);
  return result.body.result?.data?.json as T;
}

/** Signs a new user up on the https origin in a fresh context (own cookies, fake camera and microphone). */
async function newPerson(browser: Browser, label: string, viewport = { width: 1280, height: 800 }): Promise<Person> {
  const context = await browser.newContext({ viewport, permissions: ["camera", "microphone"] });
  await installRtcProbe(context);
  const page = await context.newPage();
  const user = uniqueUser(label);
  await signUpViaUi(page, user);
  const me = await trpc<{ id: string }>(page, "GET", "me.get");
  return { ...user, id: me.id, context, page };
}

async function addContacts(person: Person, other: Person): Promise<void> {
  await trpc(person.page, "POST", "contacts.add", { userId: other.id });
}
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

/** The LiveKit URL this page is handed (by calls.join, or with the callee's answer), read off the wire. */
function joinUrl(page: Page): Promise<string> {
  return page
    .waitForResponse((response) => /calls\.(join|answer)/.test(response.url()) && response.request().method() === "POST", { timeout: 30_000 })
    .then(async (response) => {
      const match = /"url":"([^"]+)"/.exec(await response.text());
      return match?.[1] ?? "(none)";
    });
}

async function callAndAnswer(ana: Person, ben: Person): Promise<{ anaUrl: string; benUrl: string }> {
  const anaJoin = joinUrl(ana.page);
  await callFromContacts(ana, ben, "video");
  const ring = incomingFrom(ben.page, ana);
  await expect(ring).toBeVisible({ timeout: 20_000 });
  const benJoin = joinUrl(ben.page);
  await ring.getByRole("button", { name: "Accept with video" }).click();
  await expect(ben.page).toHaveURL(/\/call\//);
  return { anaUrl: await anaJoin, benUrl: await benJoin };
}

async function expectMediaBothWays(ana: Person, ben: Person): Promise<void> {
  await Promise.all([expectVideoPlaying(remoteVideo(ana.page, ben)), expectVideoPlaying(remoteVideo(ben.page, ana))]);
  await Promise.all([expectAudioFlowing(ana.page, ben), expectAudioFlowing(ben.page, ana)]);
}

test("over https on a real name: secure origin, camera allowed, wss signalling, media both ways", async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const [ana, ben] = await Promise.all([newPerson(browser, "Ana"), newPerson(browser, "Ben", { width: 390, height: 844 })]);
  people.push(ana, ben);

  // The page really is https://ringback.test:8443, a secure context, with a certificate the browser trusts.
  const response = await ana.page.goto("/contacts");
  expect(ana.page.url()).toMatch(/^https:\/\/ringback\.test:8443\/contacts$/);
  const tls = await response?.securityDetails();
  expect(tls?.issuer ?? "").toMatch(/Caddy Local Authority/);
  expect(await ana.page.evaluate(() => window.isSecureContext)).toBe(true);
  const tracks = await ana.page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const kinds = stream.getTracks().map((t) => t.kind).sort();
    for (const t of stream.getTracks()) t.stop();
    return kinds;
  });
  expect(tracks).toEqual(["audio", "video"]);

  await addContacts(ana, ben);
  const sockets: string[] = [];
  ana.page.on("websocket", (ws) => sockets.push(ws.url()));
  const { anaUrl, benUrl } = await callAndAnswer(ana, ben);
  // calls.join hands out LiveKit on this origin over wss (with the TURN/TLS port), not ws://127.0.0.1
  for (const url of [anaUrl, benUrl]) expect(url).toMatch(/^wss:\/\/ringback\.test:8443(\/|\?|$)/);
  expect(new URL(anaUrl).searchParams.get("turn_tls_port")).toBe(String(publicTest.turnTlsPort));

  await expectMediaBothWays(ana, ben);
  expect(sockets.some((url) => url.startsWith("wss://ringback.test:8443/rtc"))).toBe(true);
  await snap(ana.page, testInfo, "https-in-call-1280");
  await snap(ben.page, testInfo, "https-in-call-390");
  await ana.page.getByRole("button", { name: "End call" }).click();
  await expect(ben.page).toHaveURL(/\/calls$/, { timeout: 15_000 });
});

type RelayFigures = {
  pairs: Array<{ local: string; protocol: string; relayProtocol: string; remote: string; state: string }>;
  video: { bytesReceived: number; packetsReceived: number; packetsLost: number; framesDecoded: number; framesPerSecond: number };
  audio: { bytesReceived: number; packetsReceived: number; packetsLost: number; totalAudioEnergy: number };
  sent: { bytesSent: number; packetsSent: number };
};

/** The selected ICE pair of every open connection, and what came in and went out over them. */
async function relayFigures(page: Page): Promise<RelayFigures> {
  return page.evaluate(async () => {
    const connections = (window as Window & { __e2ePeerConnections?: RTCPeerConnection[] }).__e2ePeerConnections ?? [];
    const num = (value: unknown) => (typeof value === "number" ? value : 0);
    const out: RelayFigures = {
      pairs: [],
      video: { bytesReceived: 0, packetsReceived: 0, packetsLost: 0, framesDecoded: 0, framesPerSecond: 0 },
      audio: { bytesReceived: 0, packetsReceived: 0, packetsLost: 0, totalAudioEnergy: 0 },
      sent: { bytesSent: 0, packetsSent: 0 },
    };
    for (const pc of connections) {
      if (pc.connectionState !== "connected") continue;
      const stats = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(String(s.id), s));
      for (const s of stats.values()) {
        if (s.type === "transport" && s.selectedCandidatePairId) {
          const pair = stats.get(String(s.selectedCandidatePairId));
          const local = pair && stats.get(String(pair.localCandidateId));
          const remote = pair && stats.get(String(pair.remoteCandidateId));
          out.pairs.push({
            local: String(local?.candidateType),
            protocol: String(local?.protocol),
            relayProtocol: String(local?.relayProtocol ?? ""),
            remote: `${String(remote?.candidateType)} ${String(remote?.address)}:${String(remote?.port)}`,
            state: String(pair?.state),
          });
        }
        if (s.type === "inbound-rtp" && s.kind === "video") {
          out.video.bytesReceived += num(s.bytesReceived);
          out.video.packetsReceived += num(s.packetsReceived);
          out.video.packetsLost += num(s.packetsLost);
          out.video.framesDecoded += num(s.framesDecoded);
          out.video.framesPerSecond = Math.max(out.video.framesPerSecond, num(s.framesPerSecond));
        }
        if (s.type === "inbound-rtp" && s.kind === "audio") {
          out.audio.bytesReceived += num(s.bytesReceived);
          out.audio.packetsReceived += num(s.packetsReceived);
          out.audio.packetsLost += num(s.packetsLost);
          out.audio.totalAudioEnergy += num(s.totalAudioEnergy);
        }
        if (s.type === "outbound-rtp") {
          out.sent.bytesSent += num(s.bytesSent);
          out.sent.packetsSent += num(s.packetsSent);
        }
      }
    }
    return out;
  });
}

/** Each peer connection's states, ICE servers, candidates and candidate pairs. */
async function iceReport(page: Page): Promise<unknown[]> {
  return page.evaluate(async () => {
    const out: unknown[] = [];
    for (const pc of (window as Window & { __e2ePeerConnections?: RTCPeerConnection[] }).__e2ePeerConnections ?? []) {
      const entry: Record<string, unknown> = {
        state: [pc.connectionState, pc.iceConnectionState, pc.iceGatheringState],
        iceServers: pc.getConfiguration().iceServers?.map((server) => server.urls),
        stats: [] as unknown[],
      };
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === "candidate-pair") (entry.stats as unknown[]).push([s.state, s.localCandidateId, s.remoteCandidateId, s.requestsSent, s.responsesReceived]);
        if (s.type === "local-candidate" || s.type === "remote-candidate") {
          (entry.stats as unknown[]).push([s.type, s.id, s.address, s.port, s.candidateType, s.protocol, s.relayProtocol]);
        }
      });
      out.push(entry);
    }
    return out;
  });
}

/**
 * One line from an ICE report: each peer connection's states, its local candidates, the remote
 * addresses it was given, its pairs (state, checks sent/answered), and the TURN errors it met.
 */
function iceSummary(pcs: unknown, log: unknown): string {
  if (!Array.isArray(pcs)) return `no report (${String(pcs).slice(0, 80)})`;
  const parts = pcs.map((pc: { state?: string[]; stats?: unknown[][] }, i) => {
    const stats = pc.stats ?? [];
    const local = stats.filter((s) => s[0] === "local-candidate").map((s) => `${String(s[4])}/${String(s[6] ?? s[5])}@${String(s[2])}:${String(s[3])}`);
    const remote = stats.filter((s) => s[0] === "remote-candidate").map((s) => `${String(s[2])}:${String(s[3])}/${String(s[5])}`);
    const pairs = stats.filter((s) => s[0] !== "local-candidate" && s[0] !== "remote-candidate").map((s) => `${String(s[0])} ${String(s[3])}/${String(s[4])}`);
    return `pc${i} ${(pc.state ?? []).join("/")} local[${local.join(" ")}] remote[${remote.join(" ")}] pairs[${pairs.join(", ")}]`;
  });
  const errors = Array.isArray(log) ? log.filter((entry) => Array.isArray(entry) && entry[1] === "candidate-error").map((entry: unknown[]) => `${String(entry[2])} ${String(entry[3])} ${String(entry[4])}`) : [];
  return `${parts.join("; ")}${errors.length > 0 ? `; TURN errors: ${[...new Set(errors)].join(", ")}` : ""}`;
}

/**
 * Every peer connection the page makes gathers relay candidates only (as a browser behind a
 * firewall that lets nothing but TURN out would), optionally from the TURN/TLS server alone.
 */
async function forceRelay(person: Person, only?: "turns"): Promise<void> {
  await person.context.addInitScript((onlyScheme: string | null) => {
    const Native = window.RTCPeerConnection;
    const relayOnly = (config?: RTCConfiguration): RTCConfiguration => {
      const servers = (config?.iceServers ?? [])
        .map((server) => {
          const urls = (Array.isArray(server.urls) ? server.urls : [server.urls]).filter((url) => !onlyScheme || url.startsWith(`${onlyScheme}:`));
          return { ...server, urls };
        })
        .filter((server) => server.urls.length > 0);
      return { ...config, iceServers: servers, iceTransportPolicy: "relay" };
    };
    const log: unknown[] = [];
    (window as unknown as { __relayLog: unknown[] }).__relayLog = log;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(relayOnly(config));
        const t0 = performance.now();
        const at = () => Math.round(performance.now() - t0);
        this.addEventListener("iceconnectionstatechange", () => log.push([at(), "ice", this.iceConnectionState]));
        this.addEventListener("icegatheringstatechange", () => log.push([at(), "gathering", this.iceGatheringState]));
        this.addEventListener("icecandidate", (e) => log.push([at(), "candidate", e.candidate?.candidate ?? null]));
        this.addEventListener("icecandidateerror", (e) => {
          const error = e as RTCPeerConnectionIceErrorEvent;
          log.push([at(), "candidate-error", error.url, error.errorCode, error.errorText]);
        });
      }
      override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
        const candidates = (description.sdp ?? "").split("\n").filter((line) => line.startsWith("a=candidate"));
        log.push([Math.round(performance.now()), "remote-description", description.type, candidates]);
        return super.setRemoteDescription(description);
      }
      override async addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
        log.push([Math.round(performance.now()), "remote-candidate", candidate?.candidate ?? null]);
        return super.addIceCandidate(candidate ?? undefined);
      }
      override setConfiguration(config?: RTCConfiguration): void {
        super.setConfiguration(relayOnly(config));
      }
    };
  }, only ?? null);
  // the app is already open from signing up: load it again with the script in place
  await person.page.reload();
}

async function relayCall(browser: Browser, testInfo: TestInfo, only?: "turns"): Promise<void> {
  const [ana, ben] = await Promise.all([newPerson(browser, "Ria"), newPerson(browser, "Rex")]);
  people.push(ana, ben);
  await addContacts(ana, ben);
  await Promise.all([forceRelay(ana, only), forceRelay(ben, only)]);
  const consoleLines = new Map<Person, string[]>();
  for (const p of [ana, ben]) {
    const lines: string[] = [];
    consoleLines.set(p, lines);
    p.page.on("console", (message) => {
      if (message.type() === "warning" || message.type() === "error") lines.push(message.text().slice(0, 300));
    });
  }
  await callAndAnswer(ana, ben);
  try {
    await expectMediaBothWays(ana, ben);
  } catch (error) {
    // what ICE saw on each side, to tell a TURN problem from a slow machine: whole in the
    // attachments, and in one line in the error (the part of a CI log that is kept)
    const summaries: string[] = [];
    for (const [role, p] of [["caller", ana], ["callee", ben]] as const) {
      const pcs = await iceReport(p.page).catch((e: unknown) => String(e));
      const log = await p.page.evaluate(() => (window as unknown as { __relayLog?: unknown[] }).__relayLog).catch((e: unknown) => String(e));
      const report = JSON.stringify({ pcs, log, console: consoleLines.get(p) ?? [] });
      console.log(`ICE report for ${p.displayName}: ${report}`);
      await testInfo.attach(`ice-${p.displayName}.json`, { body: report, contentType: "application/json" });
      summaries.push(`${role}: ${iceSummary(pcs, log)}`);
    }
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new Error(`no media over the relay (${message}) | ${summaries.join(" | ")}`, { cause: error });
  }

  // Every connected peer connection of both browsers goes through a relay candidate, and media
  // keeps flowing over it: figures over a 5-second window.
  const [a0, b0] = await Promise.all([relayFigures(ana.page), relayFigures(ben.page)]);
  const started = Date.now();
  await ana.page.waitForTimeout(5_000);
  const [a1, b1] = await Promise.all([relayFigures(ana.page), relayFigures(ben.page)]);
  const seconds = (Date.now() - started) / 1000;
  const rates = (before: RelayFigures, after: RelayFigures) => ({
    pairs: after.pairs.map((p) => `${p.local}/${p.relayProtocol} -> ${p.remote}`),
    videoKbps: Math.round(((after.video.bytesReceived - before.video.bytesReceived) * 8) / seconds / 1000),
    videoFps: Math.round(((after.video.framesDecoded - before.video.framesDecoded) / seconds) * 10) / 10,
    videoPackets: after.video.packetsReceived - before.video.packetsReceived,
    videoLost: after.video.packetsLost - before.video.packetsLost,
    audioKbps: Math.round(((after.audio.bytesReceived - before.audio.bytesReceived) * 8) / seconds / 1000),
    audioPackets: after.audio.packetsReceived - before.audio.packetsReceived,
    audioLost: after.audio.packetsLost - before.audio.packetsLost,
    audioEnergy: Math.round((after.audio.totalAudioEnergy - before.audio.totalAudioEnergy) * 1000) / 1000,
    sentKbps: Math.round(((after.sent.bytesSent - before.sent.bytesSent) * 8) / seconds / 1000),
  });
  const caller = rates(a0, a1);
  const callee = rates(b0, b1);
  for (const [name, figures, measured] of [
    ["caller", a1, caller],
    ["callee", b1, callee],
  ] as const) {
    expect(figures.pairs.length, `${name}: connected peer connections`).toBeGreaterThan(0);
    for (const pair of figures.pairs) {
      expect(pair.local, `${name}: selected local candidate`).toBe("relay");
      // the selected pair is re-checked now and then (consent freshness, RFC 7675); Chromium then
      // reports it "in-progress" while it still carries the media measured below
      expect(["succeeded", "in-progress"], `${name}: selected pair state`).toContain(pair.state);
      if (only === "turns") expect(pair.relayProtocol, `${name}: relay reached over`).toBe("tls");
    }
    expect(measured.videoFps, `${name}: remote video frames per second over the relay`).toBeGreaterThan(5);
    expect(measured.audioPackets, `${name}: remote audio packets over the relay`).toBeGreaterThan(100);
    expect(measured.audioEnergy, `${name}: remote audio carries sound`).toBeGreaterThan(0);
  }
  const summary = { relay: only === "turns" ? "TURN/TLS only" : "TURN (UDP and TLS offered)", seconds: Math.round(seconds * 10) / 10, caller, callee };
  console.log(`relay-only figures: ${JSON.stringify(summary)}`);
  await testInfo.attach("relay-figures.json", { body: JSON.stringify(summary, null, 2), contentType: "application/json" });
  await snap(ana.page, testInfo, `relay-${only ?? "any"}-in-call`);
}

test("relay only: both browsers forced through LiveKit's TURN still see and hear each other", async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  await relayCall(browser, testInfo);
});

test("relay only over TURN/TLS: a network that lets only TLS out still carries the call", async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  await relayCall(browser, testInfo, "turns");
});
