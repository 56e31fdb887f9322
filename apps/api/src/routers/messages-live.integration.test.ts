// Live Voicemail through the whole API with the real speech-to-text worker: messages.begin opens the
// room and sends the worker in, a caller speaks a WAV into it with the token begin gave them, and the
// recipient's event stream gets the words; a pick-up then makes the worker leave.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mergeLiveSegments, type LiveSegment } from "@ringback/core/messages";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { speakToWav } from "../../../../scripts/test-env/live-voicemail";
import { normalizeWords, wordErrorRate } from "../../../../scripts/test-env/words";
import { listRooms } from "../livekit/rooms";
import { knownPair, unansweredCall } from "../messages/test-kit";
import { startTestApi, type TestApi } from "../testing/harness";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const transcriberUrl = inject("transcriberUrl");
const python = inject("transcriberPython");

let api: TestApi;
let dir = "";
beforeAll(async () => {
  api = await startTestApi({ transcriberUrl: transcriberUrl || null });
  dir = await mkdtemp(join(tmpdir(), "ringback-live-vm-"));
});
afterAll(async () => {
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Speaks WAVs into the room as the caller's microphone; resolves when the publisher left. */
function speak(url: string, token: string, wavs: string[], opts: { tail?: number; onConnected?: () => void } = {}): Promise<void> {
  const script = join(repoRoot, "services", "transcriber", "tools", "publish_wav.py");
  const child = spawn(python, [script, "--url", url, "--token", token, "--tail", String(opts.tail ?? 1.5), ...wavs], { stdio: ["ignore", "pipe", "pipe"] });
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes('"connected"')) opts.onConnected?.();
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`publisher exited with ${code}: ${errors.slice(-2000)}`))));
  });
}

describe.skipIf(!transcriberUrl || !python)("Live Voicemail with the real transcriber", () => {
  it("shows the recipient the caller's words while they speak, and the worker leaves when the recipient picks up", async () => {
    const { a, b } = await knownPair(api);
    const bEvents = await api.listen(b);
    const aEvents = await api.listen(a);
    const callId = await unansweredCall(api, a, b, "audio");
    const begun = await api.as(a).messages.begin.mutate({ callId });
    const vm = begun.voicemail;
    if (!vm) throw new Error("no voicemail room");
    const messageId = begun.messageId;
    expect((await bEvents.next("voicemail-started")).payload).toMatchObject({ messageId });

    // a sentence both models hear right from espeak-ng (its "back about dinner" comes out as "mark i am
    // out there" from tiny.en on a busy machine; accuracy is the worker's own test)
    const said = "Happy birthday, I hope you have a wonderful day with your family.";
    const wav = join(dir, "birthday.wav");
    await speakToWav(said, wav);
    let shown: LiveSegment[] = [];
    const spoken = speak(vm.livekitUrl, vm.token, [wav], { tail: 3 });

    // the recipient's screen: segments merged as they arrive
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const e = await bEvents.next("voicemail-transcript", Math.max(1, deadline - Date.now())).catch(() => null);
      if (!e) break;
      shown = mergeLiveSegments(shown, (e.payload as { segments: LiveSegment[] }).segments);
      const words = normalizeWords(shown.map((s) => s.text).join(" "));
      if (shown.some((s) => s.final) && words.includes("family")) break;
    }
    const words = normalizeWords(shown.map((s) => s.text).join(" "));
    console.info("live words seen by the recipient:", words.join(" "));
    // recognition quality is the worker's own test (tiny.en on a busy machine slips a word or three
    // here); this checks that what the worker heard of these words reached the screen
    expect(wordErrorRate(said, words.join(" "))).toBeLessThanOrEqual(0.6);
    // a tab opened now catches up from the stored words
    const live = await api.as(b).messages.live.query({ messageId });
    expect(live.active).toBe(true);
    expect(wordErrorRate(said, live.segments.map((s) => s.text).join(" "))).toBeLessThanOrEqual(0.6);

    // the recipient picks up while the caller is still in the room: the worker leaves it
    const { call } = await api.as(b).messages.pickUp.mutate({ messageId });
    expect((await aEvents.next("voicemail-picked-up")).payload).toMatchObject({ messageId, call: { id: call.id } });
    await spoken;
    const leftBy = Date.now() + 10_000;
    let people = -1;
    while (Date.now() < leftBy) {
      const [room] = await listRooms(api.livekit, [vm.roomName]);
      people = room?.numParticipants ?? 0;
      if (people === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // neither the caller's voicemail session nor the (hidden) worker is left in the call's room
    expect(people).toBe(0);
    aEvents.stop();
    bEvents.stop();
  }, 90_000);
});
