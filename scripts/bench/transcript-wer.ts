/**
 * Transcript quality and live lag on a fixed set of 12 spoken sentences (espeak-ng, 16 kHz mono):
 *
 *   pnpm exec tsx scripts/bench/transcript-wer.ts
 *   BENCH_SESSIONS=2 BENCH_FINAL_MODEL=base pnpm exec tsx scripts/bench/transcript-wer.ts
 *
 * - final: each sentence through POST /v1/audio/transcriptions (base, beam 5, VAD), word error rate
 *   and real-time factor;
 * - live: all sentences spoken into a real LiveKit room (1.5 s apart) by the test publisher, the
 *   worker listening as it does for a voicemail; WER of what the callee's screen shows at the end
 *   (partial and final segments merged), and for each word the lag from the end of its sound (base
 *   word timestamps on the same WAV) to the post that first showed it, p50/p90;
 * - the worker's CPU time per second of live audio and its peak RSS (own worker only).
 *
 * Starts its own LiveKit and worker (TRANSCRIBER_URL: use that worker instead; BENCH_FINAL_MODEL
 * sets the worker's TRANSCRIBER_LIVE_FINAL_MODEL; BENCH_SESSIONS voicemails at once).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalLivekit } from "../stack/livekit";
import { freeTcpPort } from "../stack/ports";
import { ensureTranscriber, startTranscriber, type TranscriberHandle } from "../stack/transcriber";
import { mergedText, percentile, runLiveVoicemail, speakToWav, timedWordsOf, wordsFirstShown } from "../test-env/live-voicemail";
import { normalizeWords, wordErrorRate } from "../test-env/words";

const SENTENCES = [
  "Please call me back about dinner tonight.",
  "The meeting moved to Thursday morning at ten.",
  "I left the keys under the blue flower pot by the door.",
  "Can you pick up some milk and bread on your way home?",
  "The doctor said the results look good and there is nothing to worry about.",
  "We are flying to Denver next Friday and staying for a week.",
  "Your package arrived this afternoon and I put it in the garage.",
  "Remember to water the plants while I am away.",
  "The train was delayed by twenty minutes because of the snow.",
  "Call me when you get this message, it is about the rent.",
  "Happy birthday, I hope you have a wonderful day with your family.",
  "The plumber is coming tomorrow between nine and noon.",
];

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const sessions = Math.max(1, Number(process.env.BENCH_SESSIONS ?? 1));
const fmtPct = (x: number): string => `${(x * 100).toFixed(1)} %`;

function corpusWer(pairs: Array<{ ref: string; hyp: string }>): number {
  let errors = 0;
  let words = 0;
  for (const { ref, hyp } of pairs) {
    const n = normalizeWords(ref).length;
    errors += wordErrorRate(ref, hyp) * n;
    words += n;
  }
  return errors / words;
}

/** utime+stime in seconds and peak RSS in MB of a process, from /proc. */
async function processStats(pid: number | undefined): Promise<{ cpuS: number; peakRssMb: number } | null> {
  if (!pid) return null;
  try {
    const stat = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
    const ticks = Number(stat[11]) + Number(stat[12]); // utime, stime (fields 14, 15)
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuS: ticks / 100, peakRssMb: Math.round(hwm / 1024) };
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const startLoad = loadavg()[0]?.toFixed(1) ?? "?";
  const dir = await mkdtemp(join(tmpdir(), "ringback-bench-wer-"));
  const { server: livekitServer, config: livekit } = await startLocalLivekit(repoRoot);
  const install = await ensureTranscriber(repoRoot);
  let worker: TranscriberHandle | undefined;
  let transcriberUrl = process.env.TRANSCRIBER_URL?.replace(/\/+$/, "") ?? "";
  try {
    if (!transcriberUrl) {
      worker = await startTranscriber({
        install,
        port: await freeTcpPort(),
        env: process.env.BENCH_FINAL_MODEL ? { TRANSCRIBER_LIVE_FINAL_MODEL: process.env.BENCH_FINAL_MODEL } : {},
        onLog: process.env.TRANSCRIBER_LOG ? (line) => console.log(`[transcriber] ${line}`) : undefined,
      });
      transcriberUrl = worker.url;
    }
    const wavs = SENTENCES.map((_, i) => join(dir, `s${String(i).padStart(2, "0")}.wav`));
    await Promise.all(SENTENCES.map((text, i) => speakToWav(text, wavs[i] ?? "")));

    // final transcripts (base)
    const finals: Array<{ ref: string; hyp: string }> = [];
    let audioS = 0;
    let decodeS = 0;
    for (const [i, wav] of wavs.entries()) {
      const form = new FormData();
      form.set("file", new Blob([await readFile(wav)]), "s.wav");
      form.set("model", "base");
      form.set("response_format", "verbose_json");
      const started = performance.now();
      const res = await fetch(`${transcriberUrl}/v1/audio/transcriptions`, { method: "POST", body: form });
      const body = (await res.json()) as { text: string; duration: number };
      decodeS += (performance.now() - started) / 1000;
      audioS += body.duration;
      finals.push({ ref: SENTENCES[i] ?? "", hyp: body.text });
    }

    // live (tiny.en) through LiveKit
    const before = await processStats(worker?.pid);
    const liveStarted = performance.now();
    const runs = await Promise.all(
      Array.from({ length: sessions }, () => runLiveVoicemail({ livekit, transcriberUrl, python: install.python, repoRoot, wavs, gapSeconds: 1.5, tailSeconds: 1.5 })),
    );
    const liveWallS = (performance.now() - liveStarted) / 1000;
    const after = await processStats(worker?.pid);

    const lags: number[] = [];
    const partialLags: number[] = [];
    let missing = 0;
    const lives: Array<{ ref: string; hyp: string }> = [];
    for (const run of runs) {
      const spoken = (await Promise.all(run.files.map((f) => timedWordsOf(transcriberUrl, wavs[f.index] ?? "", f.t0)))).flat();
      for (const shown of wordsFirstShown(run.posts, spoken)) {
        if (shown === null) missing++;
        else {
          lags.push(shown.lagMs);
          if (!shown.byFinal) partialLags.push(shown.lagMs);
        }
      }
      lives.push({ ref: SENTENCES.join(" "), hyp: mergedText(run.posts) });
    }

    console.log(`\nTranscripts of ${SENTENCES.length} espeak-ng sentences (${audioS.toFixed(1)} s of speech)`);
    // other work on the machine slows every number below; say how busy it was
    console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(", ")} (${startLoad} at the start)\n`);
    console.log(`final (base, beam 5, VAD):  WER ${fmtPct(corpusWer(finals))}, real-time factor ${(decodeS / audioS).toFixed(3)}`);
    console.log(`live  (tiny.en via LiveKit, ${sessions} session${sessions > 1 ? "s" : ""} at once, finals by ${process.env.BENCH_FINAL_MODEL ?? "the worker's default"}):`);
    console.log(`      WER of what the callee sees ${fmtPct(corpusWer(lives))}`);
    console.log(
      `      word lag (end of the word's sound → first shown) p50 ${Math.round(percentile(lags, 50))} ms, p90 ${Math.round(percentile(lags, 90))} ms, ` +
        `max ${Math.round(percentile(lags, 100))} ms over ${lags.length} words (${missing} never shown as said)`,
    );
    // a word tiny.en got wrong in every partial first shows right in the final text, after the pause
    console.log(
      `      of which ${partialLags.length} first shown by a partial: p50 ${Math.round(percentile(partialLags, 50))} ms, ` +
        `p90 ${Math.round(percentile(partialLags, 90))} ms; ${lags.length - partialLags.length} only by the final text`,
    );
    if (before && after) {
      const cpu = after.cpuS - before.cpuS;
      console.log(`      worker CPU ${cpu.toFixed(1)} s over ${liveWallS.toFixed(1)} s (${(cpu / liveWallS).toFixed(2)} cores), peak RSS ${after.peakRssMb} MB`);
    }
    if (process.env.BENCH_VERBOSE) {
      for (const f of finals) console.log(`  final: ${f.hyp}`);
      for (const l of lives) console.log(`  live:  ${l.hyp}`);
    }
  } finally {
    await worker?.stop();
    await livekitServer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
