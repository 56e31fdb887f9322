import { expect, test, type Page } from "@playwright/test";
import { callFromContacts, incomingFrom, type Person } from "../e2e/helpers/calls";
import { mediaFlows, twoContacts, waitForMedia } from "./helpers/people";
import { kill, note, waitForRestart } from "./helpers/stack";

/*
 * The LiveKit node carrying a video call dies (SIGKILL) and the supervisor starts it again. Both
 * people see within seconds that the call is reconnecting; then they get video and sound back without
 * reloading the page (most runs: a fresh join once the node is back), or — when the API has meanwhile
 * ended the call (LiveKit reported both gone) — the call ends for both. At no point does a page keep
 * showing a call whose media stopped without saying so.
 */

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

/** The LiveKit node a page's media goes to, by the port of its selected ICE pair (node a: 793x, node b: 794x). */
async function mediaNode(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const connections = (window as unknown as { __e2ePeerConnections?: RTCPeerConnection[] }).__e2ePeerConnections ?? [];
    const ports: string[] = [];
    for (const pc of connections) {
      if (pc.connectionState !== "connected") continue;
      const stats = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      stats.forEach((s: Record<string, unknown>) => byId.set(String(s.id), s));
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type !== "transport" || !s.selectedCandidatePairId) return;
        const pair = byId.get(String(s.selectedCandidatePairId));
        const remote = pair ? byId.get(String(pair.remoteCandidateId)) : undefined;
        if (remote) ports.push(String(remote.port));
      });
    }
    return ports;
  });
}

function nodeOfPort(port: string): "livekit-a" | "livekit-b" {
  if (/^793\d$/.test(port)) return "livekit-a";
  if (/^794\d$/.test(port)) return "livekit-b";
  throw new Error(`media goes to port ${port}, which is neither LiveKit node of the cluster-test stack`);
}

test("the LiveKit node of a call killed and restarted: both see Reconnecting…, then media comes back without a reload or the call ends for both", async ({ browser }) => {
  const [caller, callee] = await twoContacts(browser, "LkCaller", "LkCallee");
  people.push(caller, callee);
  await callee.page.goto("/contacts");
  await callFromContacts(caller, callee, "video");
  await incomingFrom(callee.page, caller).getByRole("button", { name: "Accept with video" }).click();
  await expect(callee.page).toHaveURL(/\/call\//);
  await Promise.all([waitForMedia(callee, "media from the caller"), waitForMedia(caller, "media from the callee")]);

  const ports = [...(await mediaNode(caller.page)), ...(await mediaNode(callee.page))];
  const nodes = [...new Set(ports.map(nodeOfPort))];
  expect(nodes, `both people's media on one node (ports ${ports.join(", ")})`).toHaveLength(1);
  const node = nodes[0] ?? "livekit-a";
  // no reload may happen: a marker on each page's window would vanish with one
  for (const p of [caller, callee]) await p.page.evaluate(() => ((window as unknown as { __faultMarker?: number }).__faultMarker = 1));

  const before = kill(node);
  const killedAt = Date.now();

  // both pages say so within seconds (or have already left the call); neither keeps showing a frozen call
  const reconnecting = (p: Person) => p.page.getByText("Reconnecting…", { exact: true });
  const leftCall = async (p: Person) =>
    !/\/call\//.test(p.page.url()) || (await p.page.getByText(/^(The call dropped|Call ended)$/).count()) > 0;
  const [callerNoticed, calleeNoticed] = await Promise.all(
    [caller, callee].map(async (p) => {
      await expect
        .poll(async () => (await reconnecting(p).isVisible()) || (await leftCall(p)), {
          timeout: 10_000,
          intervals: [100],
          message: `${p.displayName}'s page should say the call is reconnecting (or that it ended)`,
        })
        .toBe(true);
      return Date.now() - killedAt;
    }),
  );
  const restartMs = await waitForRestart(node, before);

  // then either media comes back on both sides without a reload, or the call ends for both: never
  // a call page left showing a picture that no longer moves
  let outcome: "resumed" | "ended" | null = null;
  await expect
    .poll(
      async () => {
        const flowing = await Promise.all([mediaFlows(caller, { video: true, windowMs: 700 }), mediaFlows(callee, { video: true, windowMs: 700 })]);
        if (flowing.every(Boolean)) outcome = "resumed";
        else if ((await leftCall(caller)) && (await leftCall(callee))) outcome = "ended";
        return outcome;
      },
      { timeout: 45_000, intervals: [0], message: "media should come back on both sides, or the call end for both" },
    )
    .not.toBeNull();
  const settledMs = Date.now() - killedAt;
  if (outcome === "resumed") {
    await Promise.all([caller, callee].map((p) => expect(reconnecting(p)).toBeHidden({ timeout: 15_000 })));
    for (const p of [caller, callee]) {
      expect(await p.page.evaluate(() => (window as unknown as { __faultMarker?: number }).__faultMarker), "no reload").toBe(1);
      await expect(p.page).toHaveURL(/\/call\//);
    }
    expect(await mediaFlows(caller, { video: true, windowMs: 1_500 })).toBe(true);
    expect(await mediaFlows(callee, { video: true, windowMs: 1_500 })).toBe(true);
  } else {
    for (const p of [caller, callee]) await expect(reconnecting(p)).toBeHidden();
  }
  note(
    `${node} killed mid-call: "Reconnecting…" shown after ${callerNoticed}/${calleeNoticed} ms, node back ${restartMs} ms later; ` +
      `the call ${outcome === "resumed" ? "resumed with media both ways" : "ended for both"} ${settledMs} ms after the kill`,
  );
});
