import type { Room, RoomConnectOptions } from "livekit-client";

/*
 * How the browser connects to LiveKit. Through a public deployment it must use the ICE servers
 * LiveKit hands out with the join (its TURN server, with per-participant credentials): passing any
 * `rtcConfig.iceServers` of our own, even an empty list, makes livekit-client drop them.
 * On a single machine (LiveKit on loopback) the SFU's own loopback candidates are all anyone needs,
 * so no ICE servers at all (LiveKit would otherwise suggest a public STUN server).
 */

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null;
  }
}

export function isLoopbackUrl(url: string): boolean {
  const host = hostOf(url);
  return host !== null && (host === "localhost" || host === "::1" || /^127\./.test(host));
}

/**
 * The TURN/TLS port named in the LiveKit URL (`?turn_tls_port=5349`), or null. LiveKit always
 * advertises TURN/TLS on port 443, expecting a load balancer there; when 443 is the web's own HTTPS
 * port, the stack runs TURN/TLS on another port and says so in the URL it gives browsers.
 */
export function turnTlsPortOf(url: string): number | null {
  try {
    const raw = new URL(url).searchParams.get("turn_tls_port");
    const port = raw === null ? NaN : Number(raw);
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
  } catch {
    return null;
  }
}

/** `turns:host:443?transport=tcp` → `turns:host:<port>?transport=tcp`; every other URL as it is. */
export function withTurnTlsPort(servers: RTCIceServer[], port: number): RTCIceServer[] {
  const fix = (url: string) => url.replace(/^(turns:[^?]*?):443(?=\?|$)/, `$1:${port}`);
  return servers.map((server) => ({
    ...server,
    urls: Array.isArray(server.urls) ? server.urls.map(fix) : fix(server.urls),
  }));
}

type EngineWithConfig = { makeRTCConfiguration?: (...args: unknown[]) => RTCConfiguration };

/**
 * The options for `room.connect(url, …)`; also points the room's TURN/TLS server at the port the
 * URL names (see turnTlsPortOf). Without that hook (a livekit-client that changed inside), TURN
 * over UDP and ICE over TCP still work; only TURN/TLS would be tried on 443.
 */
export function prepareConnect(room: Room, url: string, options: RoomConnectOptions = {}): RoomConnectOptions {
  if (isLoopbackUrl(url)) return { ...options, rtcConfig: { ...options.rtcConfig, iceServers: [] } };
  const port = turnTlsPortOf(url);
  const engine = (room as unknown as { engine?: EngineWithConfig }).engine;
  const original = engine?.makeRTCConfiguration;
  if (port !== null && engine && typeof original === "function") {
    engine.makeRTCConfiguration = (...args: unknown[]) => {
      const config = original.apply(engine, args);
      return config.iceServers ? { ...config, iceServers: withTurnTlsPort(config.iceServers, port) } : config;
    };
  }
  return options;
}
