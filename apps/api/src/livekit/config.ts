import { livekitNodeFor } from "@ringback/core/livekit-nodes";

/** How the API reaches LiveKit: `url` is the ws(s):// URL clients get; the server SDK derives http(s) from it. */
export type LivekitConfig = {
  url: string;
  apiKey: string;
  apiSecret: string;
};

/** The LiveKit address one person's browser connects to: their node of a cluster, or the one LiveKit. */
export function livekitUrlFor(services: { livekitPublicUrl: string; livekitNodeUrls?: readonly string[] }, userId: string): string {
  const nodes = services.livekitNodeUrls;
  return nodes && nodes.length > 0 ? livekitNodeFor(userId, nodes) : services.livekitPublicUrl;
}
