import { createHash } from "node:crypto";
import { AccessToken } from "livekit-server-sdk";

/** Signs a webhook body the way LiveKit server does: a JWT whose sha256 claim is the body's hash. */
export async function signLikeLivekit(body: string, apiKey: string, apiSecret: string): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret, { ttl: 300 });
  token.sha256 = createHash("sha256").update(body).digest("base64");
  return token.toJwt();
}
