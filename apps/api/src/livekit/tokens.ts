import { AccessToken } from "livekit-server-sdk";
import type { LivekitConfig } from "./config";

export type JoinTokenOptions = {
  /** The participant identity LiveKit shows to others: the user id, so it cannot be spoofed. */
  identity: string;
  name?: string;
  roomName: string;
  /** Only how long the token can be used to join; a joined session outlives it. */
  ttlSeconds?: number;
  canPublish?: boolean;
  /** Off unless a feature sends data messages; a participant who cannot publish data cannot spam others. */
  canPublishData?: boolean;
};

/** Mints a short-lived token that lets one participant join exactly one room and nothing else. */
export async function mintJoinToken(cfg: LivekitConfig, opts: JoinTokenOptions): Promise<string> {
  const token = new AccessToken(cfg.apiKey, cfg.apiSecret, {
    identity: opts.identity,
    ...(opts.name === undefined ? {} : { name: opts.name }),
    ttl: opts.ttlSeconds ?? 600,
  });
  token.addGrant({
    roomJoin: true,
    room: opts.roomName,
    canPublish: opts.canPublish ?? true,
    canSubscribe: true,
    canPublishData: opts.canPublishData ?? false,
    // Metadata and attributes are where the app could keep state; clients must not rewrite them.
    canUpdateOwnMetadata: false,
  });
  return token.toJwt();
}
