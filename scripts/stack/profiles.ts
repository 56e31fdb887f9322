// The stack's fixed ports and data folders per profile (compose.yaml's ports are checked against
// the default one in public.integration.test.ts).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PlanDefaults } from "./public";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export type Profile = {
  name: "default" | "test" | "public-test";
  webPort: number;
  apiPort: number;
  postgresPort: number;
  livekit: { port: number; tcpPort: number; udpPort: number };
  /** The speech-to-text worker (services/transcriber). */
  transcriberPort: number;
  dataDir: string;
  /** Throw-away: wiped at start so every run begins empty. */
  fresh: boolean;
  /** The API's LOG_LEVEL unless set: the test stack logs only problems, not a line per request. */
  logLevel: "info" | "warn";
  /** The public-test profile is always public, on a test name with fixed ports and no transcriber. */
  public?: { url: string; defaults: PlanDefaults };
};

export const PROFILES: Record<Profile["name"], Profile> = {
  default: {
    name: "default",
    webPort: 3000,
    apiPort: 3001,
    postgresPort: 54329,
    livekit: { port: 7880, tcpPort: 7881, udpPort: 7882 },
    transcriberPort: 3002,
    dataDir: join(repoRoot, ".data"),
    fresh: false,
    logLevel: "info",
  },
  test: {
    name: "test",
    webPort: 3100,
    apiPort: 3101,
    postgresPort: 54339,
    livekit: { port: 7890, tcpPort: 7891, udpPort: 7892 },
    transcriberPort: 3102,
    dataDir: join(repoRoot, ".data", "test-run"),
    fresh: true,
    logLevel: "warn",
  },
  // https://ringback.test:8443 through Caddy, with TURN: the browser tests map the name to 127.0.0.2
  "public-test": {
    name: "public-test",
    webPort: 3200,
    apiPort: 3201,
    postgresPort: 54349,
    livekit: { port: 7900, tcpPort: 7901, udpPort: 7902 },
    transcriberPort: 3202,
    dataDir: join(repoRoot, ".data", "public-test"),
    fresh: true,
    logLevel: "warn",
    public: {
      url: "https://ringback.test:8443",
      // LiveKit's media sockets bind the interfaces' own addresses, and lo has only 127.0.0.1: that is
      // the node address it advertises (and relays to), while the name and TURN/TLS live on 127.0.0.2.
      defaults: { httpPort: null, turnUdpPort: 3488, turnTlsPort: 5359, bindAddress: "127.0.0.2", nodeIp: "127.0.0.1" },
    },
  },
};

