// The cluster profiles' parts, each with the real program: Redis, two LiveKit nodes sharing rooms
// through it, and the Caddy proxy in front of two API-like processes (fail-over, sticky uploads,
// an event stream that is not buffered).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RoomServiceClient } from "livekit-server-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { caddyBinary, validateCaddyfile } from "./caddy";
import { clusterCaddyfile } from "./cluster-proxy";
import { ensureLivekitBinary, startLivekit } from "./livekit";
import { freeTcpPort, freeUdpPort, waitForHttp } from "./ports";
import { redisPing, startRedis } from "./redis";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ringback-cluster-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Closes a server and its kept-alive connections (the proxy holds some open). */
function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

describe("cluster parts", () => {
  it("two LiveKit nodes share their rooms through Redis", async () => {
    const redis = await startRedis({ port: await freeTcpPort(), dir: await tempDir() });
    cleanups.push(() => redis.stop());
    expect(await redisPing(Number(redis.address.split(":")[1]))).toBe(true);

    const binary = await ensureLivekitBinary(repoRoot);
    const keys = { apiKey: "clusterkey", apiSecret: randomBytes(24).toString("hex") };
    const nodes = [];
    for (let i = 0; i < 2; i++) {
      const node = await startLivekit({ binary, port: await freeTcpPort(), tcpPort: await freeTcpPort(), udpPort: await freeUdpPort(), ...keys, redisAddress: redis.address });
      cleanups.push(() => node.stop());
      nodes.push(node);
    }
    const [a, b] = nodes.map((node) => new RoomServiceClient(node.url.replace("ws://", "http://"), keys.apiKey, keys.apiSecret));
    await a!.createRoom({ name: "shared-room", emptyTimeout: 60 });
    // a room created on node a is known to node b: they are one cluster
    expect((await b!.listRooms(["shared-room"])).map((room) => room.name)).toEqual(["shared-room"]);
  });

  it("the proxy fails over, keeps uploads on one process and streams events unbuffered", async () => {
    const dir = await tempDir();
    const ports = [await freeTcpPort(), await freeTcpPort()];
    const servers: Server[] = ports.map((port, i) => {
      const server = createServer((req, res) => {
        if (req.url === "/events") {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.write("data: first\n\n");
          // the second event comes later: a buffering proxy would hold the first one back
          setTimeout(() => res.end("data: second\n\n"), 1_500);
          return;
        }
        res.end(`process ${i + 1} ${req.method} ${req.url}`);
      });
      server.listen(port, "127.0.0.1");
      cleanups.push(() => closeServer(server));
      return server;
    });
    const proxyPort = await freeTcpPort();
    const file = join(dir, "Caddyfile");
    await writeFile(file, clusterCaddyfile({ port: proxyPort, upstreamPorts: ports }));
    validateCaddyfile(file);
    const caddy: ChildProcess = spawn(caddyBinary(), ["run", "--config", file, "--adapter", "caddyfile"], {
      cwd: dir,
      env: { ...process.env, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir },
      stdio: "ignore",
    });
    const caddyExited = new Promise((resolve) => caddy.once("exit", resolve));
    cleanups.push(async () => {
      caddy.kill("SIGTERM");
      await caddyExited;
    });
    const base = `http://127.0.0.1:${proxyPort}`;
    await waitForHttp(`${base}/healthz`, { timeoutMs: 15_000, okOnly: true });
    const text = async (path: string, init?: RequestInit) => (await fetch(`${base}${path}`, init)).text();

    // round-robin: both processes answer
    const answers = new Set<string>();
    for (let i = 0; i < 6; i++) answers.add((await text("/api/trpc/x")).split(" ")[1]!);
    expect([...answers].sort()).toEqual(["1", "2"]);

    // one upload's requests all reach the same process
    for (const path of ["/api/uploads/abc123", "/api/library/uploads/def456"]) {
      const owners = new Set<string>();
      for (let i = 0; i < 6; i++) owners.add((await text(path, { method: "PATCH" })).split(" ")[1]!);
      expect(owners.size).toBe(1);
    }

    // the event stream's first event arrives before the stream ends
    const started = Date.now();
    const response = await fetch(`${base}/events`);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("data: first");
    expect(Date.now() - started).toBeLessThan(1_200);
    await reader.cancel();

    // a dead process: every request still gets an answer, from the other one
    await closeServer(servers[0]!);
    for (let i = 0; i < 6; i++) expect(await text("/api/trpc/x")).toMatch(/^process 2 /);
    expect(await text("/api/uploads/abc123", { method: "PATCH" })).toMatch(/^process 2 /);
  });
});
