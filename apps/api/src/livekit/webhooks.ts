import { WebhookReceiver, type WebhookEvent } from "livekit-server-sdk";
import type { LivekitConfig } from "./config";

export type { WebhookEvent };

/** The request was not signed by our LiveKit server (missing, forged or stale token, or a tampered body). */
export class WebhookAuthError extends Error {
  override readonly name = "WebhookAuthError";
}

/** Correctly signed, but the body is not a webhook event we can read. */
export class WebhookPayloadError extends Error {
  override readonly name = "WebhookPayloadError";
}

const receivers = new WeakMap<LivekitConfig, WebhookReceiver>();

/**
 * Verifies a LiveKit webhook and returns its event. `rawBody` must be the exact text that was
 * posted: the signature covers its sha256, so a re-serialised JSON body would not verify.
 */
export async function receiveWebhook(
  cfg: LivekitConfig,
  rawBody: string,
  authHeader: string | undefined,
): Promise<WebhookEvent> {
  if (!authHeader) throw new WebhookAuthError("LiveKit webhook without an Authorization header");
  let receiver = receivers.get(cfg);
  if (!receiver) {
    receiver = new WebhookReceiver(cfg.apiKey, cfg.apiSecret);
    receivers.set(cfg, receiver);
  }
  // LiveKit sends the bare JWT; accept a Bearer prefix too, which proxies and tools like to add.
  const token = authHeader.replace(/^Bearer\s+/i, "");
  try {
    return await receiver.receive(rawBody, token);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // receive() parses the body only after the token and the body hash have checked out, so a
    // parse error means the request was genuinely signed; anything else is a failed check.
    if (isParseError(error)) throw new WebhookPayloadError(`Malformed LiveKit webhook: ${reason}`, { cause: error });
    throw new WebhookAuthError(`LiveKit webhook rejected: ${reason}`, { cause: error });
  }
}

function isParseError(error: unknown): boolean {
  // JSON.parse throws SyntaxError; protobuf's fromJson throws "cannot decode message ...".
  return error instanceof SyntaxError || (error instanceof Error && error.message.startsWith("cannot decode"));
}
