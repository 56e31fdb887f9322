import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { TranscriptSegment } from "@ringback/core/messages";
import type { FileTranscript, Transcriber } from "./client";

/** OpenAI's verbose_json transcription answer (what our worker answers too). */
type VerboseJson = {
  text?: string;
  segments?: Array<{ start: number; end: number; text: string }>;
  words?: Array<{ word: string; start: number; end: number }>;
};

export type HttpTranscriberConfig = {
  /** our worker (live voicemail); null when live transcription is off */
  liveUrl: string | null;
  /** an OpenAI-compatible API base (`https://api.openai.com` or `…/v1`), for final transcripts; null when off */
  fileUrl: string | null;
  fileApiKey: string | null;
  fileModel: string;
  /** a file transcription that takes longer gives up (the message is still delivered, without words) */
  timeoutMs: number;
};

/** Talks to the transcriber over HTTP: OpenAI-compatible for files, our worker's /live for voicemails. */
export function createHttpTranscriber(config: HttpTranscriberConfig): Transcriber {
  return {
    async transcribeFile(path, opts) {
      if (!config.fileUrl) throw new Error("transcription is not configured");
      const form = new FormData();
      form.set("file", new Blob([await readFile(path)]), basename(path));
      form.set("model", config.fileModel);
      form.set("response_format", "verbose_json");
      form.append("timestamp_granularities[]", "word");
      form.append("timestamp_granularities[]", "segment");
      form.set("language", "en");
      const signal = opts?.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(config.timeoutMs)]) : AbortSignal.timeout(config.timeoutMs);
      const res = await fetch(transcriptionsEndpoint(config.fileUrl), {
        method: "POST",
        body: form,
        headers: config.fileApiKey ? { authorization: `Bearer ${config.fileApiKey}` } : {},
        signal,
      });
      if (!res.ok) throw new Error(`transcriber answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      return fromVerboseJson((await res.json()) as VerboseJson);
    },
    async startLive(input) {
      if (!config.liveUrl) return;
      const res = await fetch(`${config.liveUrl.replace(/\/+$/, "")}/live`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`transcriber answered ${res.status} to /live`);
    },
    async stopLive(messageId) {
      if (!config.liveUrl) return;
      const res = await fetch(`${config.liveUrl.replace(/\/+$/, "")}/live/${encodeURIComponent(messageId)}`, {
        method: "DELETE",
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok && res.status !== 404) throw new Error(`transcriber answered ${res.status} to DELETE /live`);
    },
  };
}

/** `<base>/v1/audio/transcriptions`, also when the base given already ends in /v1 (as OpenAI's docs write it). */
export function transcriptionsEndpoint(base: string): string {
  const trimmed = base.replace(/\/+$/, "");
  return `${/\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`}/audio/transcriptions`;
}

/** Turns an OpenAI-style verbose answer into our segments, each with its timed words. */
export function fromVerboseJson(body: VerboseJson): FileTranscript {
  const words = (body.words ?? []).map((w) => ({ text: w.word.trim(), startMs: Math.round(w.start * 1000), endMs: Math.round(w.end * 1000) }));
  const segments: TranscriptSegment[] = (body.segments ?? []).map((s) => {
    const startMs = Math.round(s.start * 1000);
    const endMs = Math.round(s.end * 1000);
    return {
      startMs,
      endMs,
      text: s.text.trim(),
      // a word belongs to the segment its middle falls in
      words: words.filter((w) => (w.startMs + w.endMs) / 2 >= startMs && (w.startMs + w.endMs) / 2 < endMs),
    };
  });
  const text = (body.text ?? segments.map((s) => s.text).join(" ")).trim();
  return { text, segments: segments.filter((s) => s.text.length > 0) };
}
