import type { BrowserContext, Page } from "@playwright/test";

/*
 * Receive-side WebRTC numbers for the tests, without any hook in the app: an init script (runs in
 * every page of the context before the app's own code) wraps RTCPeerConnection so each connection
 * LiveKit opens is remembered, and the tests read getStats() from those. Nothing of this ships.
 */

type ProbeWindow = Window & { __e2ePeerConnections?: RTCPeerConnection[] };

/** Must run before the app creates any peer connection: add it to the context before opening pages. */
export async function installRtcProbe(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as ProbeWindow;
    const Native = window.RTCPeerConnection;
    if (!Native || w.__e2ePeerConnections) return;
    const all: RTCPeerConnection[] = [];
    w.__e2ePeerConnections = all;
    // A subclass keeps instanceof checks and static members (generateCertificate) working.
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        all.push(this);
      }
    };
  });
}

export type InboundStats = { bytesReceived: number; audioLevel: number; totalAudioEnergy: number; framesDecoded: number };

/**
 * Totals over every open peer connection's inbound-rtp reports of one kind, or null when the page
 * receives no such track. The call tests that use it have exactly one other person in the call.
 */
export async function inboundStats(page: Page, kind: "audio" | "video"): Promise<InboundStats | null> {
  return page.evaluate(async (wanted) => {
    const connections = (window as ProbeWindow).__e2ePeerConnections ?? [];
    let found = false;
    const total = { bytesReceived: 0, audioLevel: 0, totalAudioEnergy: 0, framesDecoded: 0 };
    const num = (value: unknown) => (typeof value === "number" ? value : 0);
    for (const pc of connections) {
      if (pc.connectionState === "closed") continue;
      const report = await pc.getStats().catch(() => null);
      report?.forEach((stat: Record<string, unknown>) => {
        if (stat.type !== "inbound-rtp" || stat.kind !== wanted) return;
        found = true;
        total.bytesReceived += num(stat.bytesReceived);
        total.totalAudioEnergy += num(stat.totalAudioEnergy);
        total.framesDecoded += num(stat.framesDecoded);
        total.audioLevel = Math.max(total.audioLevel, num(stat.audioLevel));
      });
    }
    return found ? total : null;
  }, kind);
}
