// The real speech-to-text worker (started once by the integration global setup) as the API uses it:
// final transcripts through createHttpTranscriber, live voicemail words through a real LiveKit room.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  mergedText,
  percentile,
  type Posted,
  runLiveVoicemail,
  speakToWav,
  timedWordsOf,
  wordLags,
} from "../../../../scripts/test-env/live-voicemail";
import { normalizeWords, wordErrorRate } from "../../../../scripts/test-env/words";
import { createHttpTranscriber, transcriptionsEndpoint } from "./http-transcriber";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const transcriberUrl = inject("transcriberUrl");
const python = inject("transcriberPython");
const livekit = inject("livekit");

const words = normalizeWords;

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ringback-transcriber-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("reaches an OpenAI-compatible endpoint whether or not its base URL ends in /v1", () => {
  expect(transcriptionsEndpoint("https://api.openai.com")).toBe("https://api.openai.com/v1/audio/transcriptions");
  expect(transcriptionsEndpoint("https://api.openai.com/v1/")).toBe("https://api.openai.com/v1/audio/transcriptions");
  expect(transcriptionsEndpoint("http://127.0.0.1:3002")).toBe("http://127.0.0.1:3002/v1/audio/transcriptions");
});

describe.skipIf(!transcriberUrl)("final transcripts (base model)", () => {
  const transcriber = createHttpTranscriber({ liveUrl: transcriberUrl, fileUrl: transcriberUrl, fileApiKey: null, fileModel: "base", timeoutMs: 60_000 });

  it("turns a spoken WAV into the words said, each timed inside its segment", async () => {
    const wav = join(dir, "dinner.wav");
    await speakToWav("Please call me back about dinner tonight. I will be home after seven.", wav);

    const result = await transcriber.transcribeFile(wav);

    expect(words(result.text)).toEqual(words("please call me back about dinner tonight i will be home after seven"));
    const timed = result.segments.flatMap((s) => s.words);
    expect(timed.map((w) => words(w.text)[0])).toEqual(words(result.text));
    for (const segment of result.segments) {
      for (const w of segment.words) {
        expect(w.startMs).toBeGreaterThanOrEqual(segment.startMs);
        expect(w.endMs).toBeLessThanOrEqual(segment.endMs);
        expect(w.endMs).toBeGreaterThan(w.startMs);
      }
    }
    // espeak says it in about 4 s; the words must be spread over that, not bunched up
    const last = timed.at(-1);
    expect(last?.endMs).toBeGreaterThan(3000);
    expect(last?.endMs).toBeLessThan(5000);
  });

  it("reads what browsers record (Opus in WebM) and hears nothing in silence", async () => {
    const said = "Remember to water the plants while I am away.";
    const wav = join(dir, "plants.wav");
    await speakToWav(said, wav);
    const webm = join(dir, "plants.webm");
    // two seconds of silence first: no invented words may come out of it
    await promisify(execFile)("ffmpeg", [
      "-v", "error", "-f", "lavfi", "-t", "2", "-i", "anullsrc=r=16000:cl=mono", "-i", wav,
      "-filter_complex", "[0:a][1:a]concat=n=2:v=0:a=1", "-c:a", "libopus", webm,
    ]);

    const result = await transcriber.transcribeFile(webm);

    // one slip at most (base through Opus has heard "key" for "keys")
    expect(wordErrorRate(said, result.text)).toBeLessThanOrEqual(1 / words(said).length);
    // speech starts at 2.0 s; the VAD keeps 0.4 s before it
    expect(result.segments[0]?.startMs).toBeGreaterThanOrEqual(1500);
  });
});

describe.skipIf(!transcriberUrl || !python)("live voicemail transcripts (LiveKit room, tiny.en)", () => {
  it("posts words while they are spoken (half of them within 2 s), a final text per sentence, then ended", { timeout: 60_000 }, async () => {
    // sentences both models hear right from espeak ("Thursday" is not one: base hears "first day")
    const sentences = ["Happy birthday, I hope you have a wonderful day with your family.", "We are flying to Denver next Friday and staying for a week."];
    const wavs = sentences.map((_, i) => join(dir, `live-${i}.wav`));
    await Promise.all(sentences.map((text, i) => speakToWav(text, wavs[i] ?? "")));

    const run = await runLiveVoicemail({ livekit, transcriberUrl, python, repoRoot, wavs, gapSeconds: 1.5, tailSeconds: 1.5 });

    // every post carries the message's token and id
    for (const post of run.posts) {
      expect(post.authorization).toBe(`Bearer ${run.callbackToken}`);
      expect(post.body.messageId).toBe(run.messageId);
    }
    // one segment id per sentence (the silences around them produce nothing), in order
    const segments = run.posts.flatMap((p) => p.body.segments);
    const ids = [...new Set(segments.map((s) => s.id))];
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBeGreaterThan(ids[0] ?? Number.POSITIVE_INFINITY);

    for (const [i, id] of ids.entries()) {
      const file = run.files[i];
      if (!file) throw new Error(`no timing for sentence ${i}`);
      const spokenEnd = file.t0 + file.durationMs;
      const ofThis = run.posts.filter((p) => p.body.segments.some((s) => s.id === id));
      // words on screen while the sentence is still being said
      const firstPartial = ofThis.find((p) => p.body.segments.some((s) => !s.final && s.text !== ""));
      expect(firstPartial?.at ?? Number.POSITIVE_INFINITY).toBeLessThan(spokenEnd);
      // then its final text (base), soon after its last sound: 0.5 s of pause closes it, then one
      // decode (~0.3 s on an idle machine; other test runs on the same two cores make it seconds)
      const finalPost = ofThis.find((p) => p.body.segments.some((s) => s.final));
      if (!finalPost) throw new Error(`sentence ${i} never got a final segment`);
      expect(finalPost.at - spokenEnd).toBeLessThan(4000);
      const final = finalPost.body.segments.find((s) => s.final);
      // tiny.en through Opus: at most two slips per sentence
      expect(wordErrorRate(sentences[i] ?? "", final?.text ?? ""), `final text "${final?.text ?? ""}"`).toBeLessThanOrEqual(
        2 / words(sentences[i] ?? "").length,
      );
      expect(final?.endMs).toBeGreaterThan(final?.startMs ?? Number.POSITIVE_INFINITY);
    }
    const shown = mergedText(run.posts);
    expect(wordErrorRate(sentences.join(" "), shown), `shown "${shown}"`).toBeLessThan(0.2);
    for (const word of ["birthday", "wonderful", "family", "denver", "friday", "week"]) expect(words(shown)).toContain(word);
    // times are in the caller's audio: the second sentence starts after the first one ends
    const finals = segments.filter((s) => s.final);
    expect(finals[1]?.startMs).toBeGreaterThan(finals[0]?.endMs ?? Number.POSITIVE_INFINITY);

    // each word reaches the screen within 2 s of being said (typically; a loaded machine is slower)
    const spoken = (await Promise.all(run.files.map((f, i) => timedWordsOf(transcriberUrl, wavs[i] ?? "", f.t0)))).flat();
    const lags = wordLags(run.posts, spoken).filter((lag): lag is number => lag !== null);
    expect(lags.length).toBeGreaterThanOrEqual(spoken.length * 0.8);
    expect(percentile(lags, 50)).toBeLessThan(2000);

    // the caller left: one "ended", last, nothing after it
    const last = run.posts.at(-1);
    expect(last?.body).toEqual({ messageId: run.messageId, segments: [], ended: true });
    expect(run.posts.filter((p) => p.body.ended)).toHaveLength(1);
  });

  it("leaves at DELETE /live while the caller is still talking, and says it ended", { timeout: 60_000 }, async () => {
    const wav = join(dir, "long.wav");
    await speakToWav(
      "Your package arrived this afternoon and I put it in the garage, next to the bikes, because it was raining and the porch was wet.",
      wav,
    );
    let deleted: Promise<Response> | undefined;
    let deletedAt = 0;
    const onPost = (post: Posted): void => {
      if (!deleted && post.body.segments.some((s) => words(s.text).includes("package"))) {
        deletedAt = Date.now();
        deleted = fetch(`${transcriberUrl}/live/${encodeURIComponent(post.body.messageId)}`, { method: "DELETE" });
      }
    };

    const run = await runLiveVoicemail({ livekit, transcriberUrl, python, repoRoot, wavs: [wav], onPost });

    expect((await deleted)?.status).toBe(204);
    const ended = run.posts.find((p) => p.body.ended);
    if (!ended) throw new Error("no ended post");
    // it stopped listening long before the caller stopped talking
    expect(ended.at - deletedAt).toBeLessThan(3000);
    expect(ended.at).toBeLessThan(run.leftAt);
    expect(run.posts.at(-1)).toBe(ended);
    // what was heard up to then is kept: the segment shown gets its final text
    const segments = run.posts.flatMap((p) => p.body.segments);
    const shownId = segments.find((s) => words(s.text).includes("package"))?.id;
    const final = segments.find((s) => s.id === shownId && s.final);
    expect(words(final?.text ?? "").length).toBeGreaterThanOrEqual(3);
    // asking again is fine
    expect((await fetch(`${transcriberUrl}/live/${encodeURIComponent(run.messageId)}`, { method: "DELETE" })).status).toBe(204);
  });
});
