/*
 * What the recorder needs from the API, as plain functions the screens pass in (the tRPC client
 * behind them lives in React land; the controllers stay testable without it).
 */

export type BeginResult = {
  messageId: string;
  kind: "video" | "voicemail";
  maxSeconds: number;
  maxBytes: number;
  uploadUrl: string;
  voicemail: { livekitUrl: string; token: string; roomName: string } | null;
};

export type MessageApi = {
  /** messages.begin: a new unfinished message for the call (replaces an earlier unfinished one) */
  begin: () => Promise<BeginResult>;
  /** messages.cancel: the sender discards the unfinished message */
  cancel: (messageId: string) => Promise<unknown>;
};

/** "0:07", "2:59": time on the recording clock. */
export function formatRecordingTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** The first of `candidates` this browser's MediaRecorder can write, or "" (let the browser pick). */
export function pickMimeType(candidates: readonly string[]): string {
  if (typeof MediaRecorder === "undefined") return "";
  return candidates.find((type) => MediaRecorder.isTypeSupported(type)) ?? "";
}

/** The container type the upload declares, e.g. "video/webm" for "video/webm;codecs=vp8,opus". */
export function containerType(mimeType: string, fallback: string): string {
  const base = mimeType.split(";")[0]?.trim();
  return base ? base : fallback;
}
