// The stack's fixed ports and data folders per profile (compose.yaml's ports are checked against
// the default one in public.integration.test.ts).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PlanDefaults } from "./public";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export type Profile = {
  name: "default" | "test" | "public-test" | "cluster" | "cluster-test";
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
  /** Scaled out (cluster.ts): Redis, a second LiveKit node, two API processes behind a proxy on apiPort. */
  cluster?: ClusterPorts;
  /** No speech-to-text worker (TRANSCRIBER_URL=""), whatever the shell says. */
  noTranscriber?: boolean;
};

export type ClusterPorts = {
  /** The API processes' own ports; the proxy listens on the profile's apiPort. */
  apiPorts: [number, number];
  redisPort: number;
  /** LiveKit node b (node a is the profile's `livekit`). */
  livekitB: { port: number; tcpPort: number; udpPort: number };
  /** SeaweedFS: its S3 port and the master, volume and filer behind it. */
  s3: { s3Port: number; masterPort: number; volumePort: number; filerPort: number };
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
  // the default profile's public ports, with everything behind them doubled
  cluster: {
    name: "cluster",
    webPort: 3000,
    apiPort: 3001,
    postgresPort: 54359,
    livekit: { port: 7880, tcpPort: 7881, udpPort: 7882 },
    transcriberPort: 3002,
    dataDir: join(repoRoot, ".data", "cluster"),
    fresh: false,
    logLevel: "info",
    cluster: {
      apiPorts: [3011, 3012],
      redisPort: 6380,
      livekitB: { port: 7885, tcpPort: 7886, udpPort: 7887 },
      s3: { s3Port: 8333, masterPort: 9333, volumePort: 8080, filerPort: 8888 },
    },
  },
  // the faults layer's stack (apps/web/playwright.faults.config.ts)
  "cluster-test": {
    name: "cluster-test",
    webPort: 3400,
    apiPort: 3401,
    postgresPort: 54369,
    livekit: { port: 7930, tcpPort: 7931, udpPort: 7932 },
    transcriberPort: 3402,
    dataDir: join(repoRoot, ".data", "cluster-test"),
    fresh: true,
    logLevel: "warn",
    noTranscriber: true,
    cluster: {
      apiPorts: [3411, 3412],
      redisPort: 6399,
      livekitB: { port: 7940, tcpPort: 7941, udpPort: 7942 },
      s3: { s3Port: 8433, masterPort: 9433, volumePort: 8434, filerPort: 8435 },
    },
  },
};

