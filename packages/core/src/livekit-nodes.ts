/**
 * Which LiveKit node a person's browser connects to when several serve the same cluster. The same
 * person always gets the same node (FNV-1a of their id), so a reconnect lands where they were; two
 * people in one call may get different nodes, and LiveKit relays between them through Redis.
 */
export function livekitNodeFor(userId: string, nodeUrls: readonly string[]): string {
  if (nodeUrls.length === 0) throw new Error("livekitNodeFor needs at least one node URL");
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return nodeUrls[hash % nodeUrls.length] as string;
}
