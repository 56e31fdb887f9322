import { spawn } from "node:child_process";
import { input } from "./ffmpeg";

/** How many bars a voicemail's waveform thumbnail has. */
export const WAVEFORM_BARS = 48;
const SAMPLE_RATE = 8000;

/**
 * Peaks (0..1, loudest bar = 1) of a recording's sound in `bars` equal slices of its duration, read
 * from ffmpeg's decoded samples as they stream by: a long recording is never held in memory.
 */
export function waveformPeaks(path: string, durationMs: number, bars = WAVEFORM_BARS, timeoutMs = 60_000): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn("ffmpeg", ["-nostdin", "-v", "error", ...input(path), "-vn", "-ac", "1", "-ar", String(SAMPLE_RATE), "-f", "s16le", "-"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const expected = Math.max(1, Math.round((durationMs / 1000) * SAMPLE_RATE));
    const peaks = new Array<number>(bars).fill(0);
    let index = 0;
    let carry: Buffer | null = null;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const whole = buf.length - (buf.length % 2);
      for (let i = 0; i < whole; i += 2) {
        const bar = Math.min(bars - 1, Math.floor((index * bars) / expected));
        const v = Math.abs(buf.readInt16LE(i));
        if (v > (peaks[bar] ?? 0)) peaks[bar] = v;
        index += 1;
      }
      carry = whole < buf.length ? buf.subarray(whole) : null;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      if (stderr.length < 4096) stderr += c;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`ffmpeg failed reading samples (${code ?? "killed"}): ${stderr.slice(0, 300)}`));
        return;
      }
      const loudest = Math.max(...peaks);
      // relative to the loudest moment, so a quiet voicemail still shows its shape
      resolve(peaks.map((p) => (loudest > 0 ? Math.round((p / loudest) * 1000) / 1000 : 0)));
    });
  });
}
