import { Room } from "livekit-client";
import { describe, expect, it } from "vitest";
import { isLoopbackUrl, prepareConnect, turnTlsPortOf, withTurnTlsPort } from "./livekit-connect";

describe("LiveKit connect options", () => {
  it("tells a LiveKit on this machine from a public one", () => {
    expect(isLoopbackUrl("ws://127.0.0.1:7880")).toBe(true);
    expect(isLoopbackUrl("ws://localhost:7890")).toBe(true);
    expect(isLoopbackUrl("ws://[::1]:7880")).toBe(true);
    expect(isLoopbackUrl("wss://ringback.test:8443?turn_tls_port=5359")).toBe(false);
    expect(isLoopbackUrl("wss://calls.example.org")).toBe(false);
    expect(isLoopbackUrl("not a url")).toBe(false);
  });

  it("reads the TURN/TLS port from the URL, and only a real port", () => {
    expect(turnTlsPortOf("wss://calls.example.org?turn_tls_port=5349")).toBe(5349);
    expect(turnTlsPortOf("wss://calls.example.org")).toBeNull();
    expect(turnTlsPortOf("wss://calls.example.org?turn_tls_port=0")).toBeNull();
    expect(turnTlsPortOf("wss://calls.example.org?turn_tls_port=70000")).toBeNull();
    expect(turnTlsPortOf("wss://calls.example.org?turn_tls_port=44x")).toBeNull();
  });

  it("moves only LiveKit's turns:…:443 URL to the real port", () => {
    const servers: RTCIceServer[] = [
      {
        urls: ["turn:203.0.113.5:3478?transport=udp", "turns:calls.example.org:443?transport=tcp"],
        username: "u",
        credential: "p",
      },
      { urls: "stun:stun.example.org:443" },
    ];
    expect(withTurnTlsPort(servers, 5349)).toEqual([
      {
        urls: ["turn:203.0.113.5:3478?transport=udp", "turns:calls.example.org:5349?transport=tcp"],
        username: "u",
        credential: "p",
      },
      { urls: "stun:stun.example.org:443" },
    ]);
  });

  it("keeps no ICE servers on loopback, and LiveKit's own (not an empty list) otherwise", () => {
    expect(prepareConnect(new Room(), "ws://127.0.0.1:7880", { autoSubscribe: true })).toEqual({
      autoSubscribe: true,
      rtcConfig: { iceServers: [] },
    });
    const options = prepareConnect(new Room(), "wss://calls.example.org?turn_tls_port=5349", { autoSubscribe: true });
    expect(options).toEqual({ autoSubscribe: true });
    expect(options.rtcConfig?.iceServers).toBeUndefined();
  });

  it("hooks the room's engine so the TURN servers LiveKit sends get the real TLS port", () => {
    const room = new Room();
    prepareConnect(room, "wss://calls.example.org?turn_tls_port=5349");
    const engine = (room as unknown as { engine: { makeRTCConfiguration(response?: unknown): RTCConfiguration } }).engine;
    const config = engine.makeRTCConfiguration({
      iceServers: [{ urls: ["turns:calls.example.org:443?transport=tcp"], username: "u", credential: "p" }],
    });
    expect(config.iceServers).toEqual([{ urls: ["turns:calls.example.org:5349?transport=tcp"], username: "u", credential: "p" }]);
  });
});
