import { createHash } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import webpush from "web-push";
import type { PushMessage, PushUrgency } from "@ringback/core/push";
import type { PushTarget } from "@ringback/db/queries/push";
import type { PushConfig } from "./config";
import { guardedLookup, hostOf, isPublicAddress, PrivateAddressError } from "./endpoint-guard";

/** What became of one push to one device. */
export type SendOutcome =
  | { status: "delivered" }
  /** 404/410: the browser unsubscribed or the subscription expired; drop it */
  | { status: "gone"; statusCode: number }
  /** refused for good (a bad request, VAPID refused, too large, a private address): retrying would not help */
  | { status: "rejected"; statusCode: number | null; detail: string }
  /** its time to live ran out before it could be sent (a ring that has stopped) */
  | { status: "expired" };

/** A failure worth trying again (a network error, 429, 5xx). */
export class TransientPushError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null,
  ) {
    super(message);
  }
}

/** The longest one push request may take, from connecting to the last byte of the answer. */
const DEADLINE_MS = 10_000;
const MAX_RESPONSE_BYTES = 8 * 1024;

/**
 * Encrypts `message` for one device (RFC 8291 aes128gcm, web-push) and POSTs it with a VAPID
 * signature (RFC 8292) to the device's push service, through our own request so the address it
 * connects to is checked (see endpoint-guard.ts) and redirects are never followed.
 */
export async function sendPush(
  target: PushTarget,
  push: { message: PushMessage; urgency: PushUrgency; expiresAt: Date },
  config: PushConfig,
  now: Date,
): Promise<SendOutcome> {
  const ttl = Math.floor((push.expiresAt.getTime() - now.getTime()) / 1000);
  if (ttl <= 0) return { status: "expired" };
  const url = new URL(target.endpoint);
  const host = hostOf(url);
  if (!config.allowPrivateEndpoints) {
    if (url.protocol !== "https:") return { status: "rejected", statusCode: null, detail: "endpoint is not https" };
    // a literal address is connected to without a lookup, so it is checked here
    if (isIP(host) && !isPublicAddress(host)) return { status: "rejected", statusCode: null, detail: "endpoint address is not public" };
  }
  let details: ReturnType<typeof webpush.generateRequestDetails>;
  try {
    details = webpush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      JSON.stringify(push.message),
      {
        vapidDetails: { subject: config.subject, publicKey: config.publicKey, privateKey: config.privateKey },
        contentEncoding: "aes128gcm",
        TTL: ttl,
        urgency: push.urgency,
        // an undelivered push with the same topic is replaced: a device that was offline through a ring
        // gets "Missed call", not the ring and then the missed call
        topic: topicFor(push.message.tag),
      },
    );
  } catch (err) {
    // keys that are not a point on the curve: this subscription can never be encrypted for
    return { status: "rejected", statusCode: null, detail: `cannot encrypt for this subscription: ${(err as Error).message}` };
  }
  let response: { statusCode: number; body: string };
  try {
    response = await post(url, details.headers, details.body, config.allowPrivateEndpoints);
  } catch (err) {
    if (err instanceof PrivateAddressError) return { status: "rejected", statusCode: null, detail: err.message };
    throw new TransientPushError(`push request failed: ${(err as Error).message}`, null);
  }
  const { statusCode, body } = response;
  if (statusCode >= 200 && statusCode < 300) return { status: "delivered" };
  if (statusCode === 404 || statusCode === 410) return { status: "gone", statusCode };
  if (statusCode === 429 || statusCode >= 500) throw new TransientPushError(`push service answered ${statusCode}: ${body.slice(0, 200)}`, statusCode);
  return { status: "rejected", statusCode, detail: body.slice(0, 200) };
}

/** A Topic header (at most 32 base64url characters, RFC 8030 §5.4) standing for a notification tag. */
export function topicFor(tag: string): string {
  return createHash("sha256").update(tag).digest("base64url").slice(0, 32);
}

function post(url: URL, headers: Record<string, string | number>, body: Buffer | null, allowPrivate: boolean) {
  return new Promise<{ statusCode: number; body: string }>((resolve, reject) => {
    const request = url.protocol === "http:" ? httpRequest : httpsRequest;
    let response: IncomingMessage | null = null;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      outcome();
    };
    const req = request(url, { method: "POST", headers, lookup: guardedLookup(allowPrivate) }, (res: IncomingMessage) => {
      response = res;
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = () => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8").slice(0, MAX_RESPONSE_BYTES) });
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // only the start of an error body is logged, and a push service has no reason to send more:
        // stop reading (and close the connection) instead of taking whatever it streams
        if (size >= MAX_RESPONSE_BYTES) {
          settle(answer);
          res.destroy();
        }
      });
      res.on("end", () => settle(answer));
      // the service closed the connection before the answer ended
      res.on("close", () => settle(() => (res.complete ? answer() : reject(new Error("connection closed before the answer ended")))));
      res.on("error", (err) => settle(() => reject(err)));
    });
    // A deadline for the whole request, not a socket idle timeout: a service that drips a byte every
    // few seconds would reset an idle timer for ever and keep a worker (and everyone's pushes behind
    // it) waiting.
    const deadline = setTimeout(() => {
      const err = new Error(`no complete answer within ${DEADLINE_MS} ms`);
      settle(() => reject(err));
      response?.destroy();
      req.destroy(err);
    }, DEADLINE_MS);
    req.on("error", (err) => settle(() => reject(err)));
    req.end(body ?? undefined);
  });
}
