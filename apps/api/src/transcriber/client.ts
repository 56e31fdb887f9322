import type { LiveSegment, TranscriptSegment } from "@ringback/core/messages";

/** A finished transcription of one recording. */
export type FileTranscript = { text: string; segments: TranscriptSegment[] };

/**
 * The speech-to-text worker as the API sees it. Final transcripts go through an OpenAI-compatible
 * `/v1/audio/transcriptions` endpoint (our Python worker by default, any compatible service by
 * configuration); live voicemail transcription is our worker joining the voicemail's LiveKit room.
 */
export interface Transcriber {
  /** Transcribes a local audio or video file with the better (slower) model. */
  transcribeFile(path: string, opts?: { signal?: AbortSignal }): Promise<FileTranscript>;
  /** Asks the worker to join a voicemail room and post live segments to `callbackUrl`. */
  startLive(input: { messageId: string; livekitUrl: string; token: string; callbackUrl: string; callbackToken: string }): Promise<void>;
  /** Tells the worker to leave a voicemail room (picked up, sent or abandoned); idempotent. */
  stopLive(messageId: string): Promise<void>;
}

export type { LiveSegment };
