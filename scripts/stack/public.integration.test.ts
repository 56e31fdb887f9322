// Public mode's parts against the real programs: the Caddyfiles with Debian's caddy (validated and
// serving), the TURN/TLS front with real TLS and a renewed certificate, and compose.yaml against the
// stack's own ports. (There is no Docker engine here: compose.yaml is checked as YAML, not run.)
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { request } from "node:https";
import { connect as tcpConnect, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateCaddyfile } from "./caddy";
import { freeTcpPort } from "./ports";
import { PROFILES } from "./profiles";
import { DEFAULT_PUBLIC_PORTS, caddyfile, certificateSourceFor, findCertificate, internalCaFiles, livekitPublicConfig, planPublic, spkiHash } from "./public";
import { composeLivekitConfig } from "./livekit-config-main";
import { startTurnTls } from "./turn-tls";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ringback-public-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("planPublic", () => {
  it("uses the ACME CA for a public name and Caddy's own for LAN names, IPs and test names", () => {
    expect(certificateSourceFor("calls.example.org")).toBe("acme");
    for (const host of ["ringback.test", "localhost", "nas", "home.lan", "box.local", "192.168.1.20", "::1"]) {
      expect(certificateSourceFor(host), host).toBe("internal");
    }
  });

  it("plans a public name: HTTPS 443, HTTP 80, TURN UDP 3478 and TLS 5349 named in the LiveKit URL", async () => {
    const plan = await planPublic("https://calls.example.org", { NODE_IP: "203.0.113.5" });
    expect(plan).toMatchObject({
      origin: "https://calls.example.org",
      httpsPort: 443,
      httpPort: 80,
      certificates: "acme",
      nodeIp: "203.0.113.5",
      turn: { udpPort: 3478, tlsPort: 5349 },
      livekitPublicUrl: "wss://calls.example.org?turn_tls_port=5349",
    });
    const lk = livekitPublicConfig(plan, 40000);
    expect(lk.rtc).toMatchObject({ node_ip: "203.0.113.5", use_external_ip: false, enable_loopback_candidate: false });
    expect(lk.turn).toMatchObject({ enabled: true, domain: "calls.example.org", udp_port: 3478, tls_port: 40000, external_tls: true });
    // the relay reaches LiveKit's own address and nothing else private
    expect(lk.turn.allow_restricted_peer_cidrs).toEqual(["203.0.113.5/32"]);
  });

  it("has no TURN/TLS for an IP address (its certificate needs a name), and TURN/TLS on 443 is not named", async () => {
    const ip = await planPublic("https://192.168.1.20");
    expect(ip.nodeIp).toBe("192.168.1.20");
    expect(ip.turn.tlsPort).toBeNull();
    expect(ip.livekitPublicUrl).toBe("wss://192.168.1.20");
    expect(livekitPublicConfig(ip, null).turn).not.toHaveProperty("tls_port");
    const second = await planPublic("https://calls.example.org:8443", { NODE_IP: "203.0.113.5", TURN_TLS_PORT: "443" });
    expect(second.livekitPublicUrl).toBe("wss://calls.example.org:8443");
  });

  it("refuses what cannot work, with the reason", async () => {
    await expect(planPublic("http://calls.example.org")).rejects.toThrow(/https:\/\//);
    await expect(planPublic("https://calls.example.org/app")).rejects.toThrow(/origin only/);
    await expect(planPublic("calls.example.org")).rejects.toThrow(/URL like/);
    await expect(planPublic("https://calls.example.org", { NODE_IP: "1.2.3.4", TURN_TLS_PORT: "443" })).rejects.toThrow(/cannot share port 443/);
    await expect(planPublic("https://calls.example.org", { NODE_IP: "not-an-ip" })).rejects.toThrow(/NODE_IP/);
    await expect(planPublic("https://calls.example.org", { NODE_IP: "1.2.3.4", TURN_UDP_PORT: "0", TURN_TLS_PORT: "0" })).rejects.toThrow(/UDP or a TLS port/);
  });
});

describe("the Caddyfile public mode writes", () => {
  it("is valid Caddy 2.6 for a public name, a test name and an IP", async () => {
    const dir = await tempDir();
    for (const url of ["https://calls.example.org", "https://ringback.test:8443", "https://192.168.1.20"]) {
      const plan = await planPublic(url, { NODE_IP: "203.0.113.5" });
      const file = join(dir, "Caddyfile");
      await writeFile(file, caddyfile({ plan, webPort: 3000, livekitPort: 7880, storageDir: join(dir, "storage with space"), email: "ops@example.org" }));
      expect(() => validateCaddyfile(file), url).not.toThrow();
    }
  });

  it("serves one HTTPS origin: /rtc to LiveKit, the rest to the web app, with the client's address (not a forged one)", async () => {
    const dir = await tempDir();
    const seen: Array<{ who: string; url: string; xff: string | undefined }> = [];
    const upstream = async (who: string): Promise<number> => {
      const server: Server = createServer((req: IncomingMessage, res) => {
        seen.push({ who, url: req.url ?? "", xff: req.headers["x-forwarded-for"] as string | undefined });
        res.end(who);
      });
      const port = await freeTcpPort();
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      cleanups.push(() => new Promise((resolve) => server.close(resolve)));
      return port;
    };
    const [webPort, livekitPort, httpsPort] = [await upstream("web"), await upstream("livekit"), await freeTcpPort()];
    const plan = await planPublic(`https://ringback.test:${httpsPort}`, {}, { httpPort: null, bindAddress: "127.0.0.1", nodeIp: "127.0.0.1" });
    const storage = join(dir, "storage");
    const file = join(dir, "Caddyfile");
    await writeFile(file, caddyfile({ plan, webPort, livekitPort, storageDir: storage }));
    const caddy: ChildProcess = spawn("caddy", ["run", "--config", file, "--adapter", "caddyfile"], {
      env: { ...process.env, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
      stdio: "ignore",
    });
    cleanups.push(() => {
      caddy.kill("SIGTERM");
    });
    let certificate: { cert: string; key: string } | undefined;
    for (let i = 0; i < 100 && !certificate; i++) {
      certificate = await findCertificate(storage, "ringback.test");
      if (!certificate) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(certificate, "Caddy issued ringback.test from its internal CA").toBeDefined();
    const ca = await readFile(internalCaFiles(storage).root, "utf8");
    expect(spkiHash(ca)).toMatch(/^[A-Za-z0-9+/]{43}=$/);

    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          { host: "127.0.0.1", port: httpsPort, servername: "ringback.test", path, ca, headers: { host: `ringback.test:${httpsPort}`, "x-forwarded-for": "6.6.6.6" } },
          (res) => {
            let body = "";
            res.on("data", (chunk: Buffer) => (body += chunk.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on("error", reject);
        req.end();
      });
    // the certificate verifies against Caddy's root for the name (no verification switched off)
    expect(await get("/rtc/validate?access_token=x")).toEqual({ status: 200, body: "livekit" });
    expect(await get("/rtc")).toEqual({ status: 200, body: "livekit" });
    expect(await get("/calls")).toEqual({ status: 200, body: "web" });
    expect(await get("/rtcx")).toEqual({ status: 200, body: "web" });
    // the app trusts the last x-forwarded-for entry: Caddy must put the real peer there
    for (const request of seen) expect(request.xff?.split(",").at(-1)?.trim()).toBe("127.0.0.1");
  });
});

describe("the TURN/TLS front", () => {
  function makeCert(dir: string, name: string, cn: string): { cert: string; key: string } {
    const cert = join(dir, `${name}.crt`);
    const key = join(dir, `${name}.key`);
    const result = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", `/CN=${cn}`, "-addext", `subjectAltName=DNS:${cn}`, "-keyout", key, "-out", cert], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(result.stderr);
    return { cert, key };
  }

  it("ends TLS with the current certificate, passes bytes both ways, and picks up a renewal", async () => {
    const dir = await tempDir();
    let current = makeCert(dir, "first", "turn.example.test");
    // LiveKit's side: plain TCP that answers each chunk
    const echo = createTcpServer((socket) => socket.on("data", (chunk) => socket.write(Buffer.concat([Buffer.from("lk:"), chunk]))));
    const echoPort = await freeTcpPort();
    await new Promise<void>((resolve) => echo.listen(echoPort, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => echo.close(resolve)));
    const front = await startTurnTls({
      port: 0,
      host: "127.0.0.1",
      target: { host: "127.0.0.1", port: echoPort },
      certificate: async () => current,
      log: () => undefined,
      recheckMs: 0,
    });
    cleanups.push(() => front.close());

    const exchange = async (ca: string): Promise<{ reply: string; fingerprint: string }> =>
      new Promise((resolve, reject) => {
        const socket = tlsConnect({ host: "127.0.0.1", port: front.port, servername: "turn.example.test", ca }, () => {
          const fingerprint = socket.getPeerCertificate().fingerprint256;
          socket.once("data", (chunk: Buffer) => {
            resolve({ reply: chunk.toString(), fingerprint });
            socket.end();
          });
          socket.write("allocate");
        });
        socket.on("error", reject);
      });
    const first = await exchange(await readFile(current.cert, "utf8"));
    expect(first.reply).toBe("lk:allocate");

    current = makeCert(dir, "second", "turn.example.test");
    const second = await exchange(await readFile(current.cert, "utf8"));
    expect(second.reply).toBe("lk:allocate");
    expect(second.fingerprint).not.toBe(first.fingerprint);

    // a client that does not trust the certificate gets no connection through
    await expect(exchange(await readFile(makeCert(dir, "other", "turn.example.test").cert, "utf8"))).rejects.toThrow();
    // and plain TCP (no TLS) reaches nothing behind it
    const plain = await new Promise<string>((resolve) => {
      const socket = tcpConnect(front.port, "127.0.0.1", () => socket.write("allocate\r\n\r\n"));
      let got = "";
      socket.on("data", (chunk: Buffer) => (got += chunk.toString()));
      socket.on("close", () => resolve(got));
      socket.on("error", () => resolve(got));
    });
    expect(plain).not.toContain("lk:");
  });
});

describe("compose.yaml", () => {
  const readCompose = async () => parse(await readFile(join(repoRoot, "compose.yaml"), "utf8")) as { services: Record<string, Record<string, unknown>> };

  it("has the services of the one-machine stack, each built from a Dockerfile target that exists", async () => {
    const compose = await readCompose();
    const dockerfile = await readFile(join(repoRoot, "Dockerfile"), "utf8");
    const targets = new Set([...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]));
    expect(Object.keys(compose.services).sort()).toEqual(["api", "caddy", "livekit", "livekit-config", "migrate", "postgres", "turn-tls", "web"]);
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === "postgres") continue;
      const build = service.build as { context: string; target: string };
      expect(targets.has(build.target), `${name}: Dockerfile target ${build.target}`).toBe(true);
    }
    // the image runs the same LiveKit release the stack builds
    expect(dockerfile).toContain(`livekit-server/cmd/server@${(await import("./livekit")).LIVEKIT_VERSION}`);
  });

  it("uses the stack's ports: web, API, LiveKit signalling and media, TURN UDP and TLS", async () => {
    const compose = await readCompose();
    const stack = PROFILES.default;
    const env = (name: string) => compose.services[name]?.environment as Record<string, string>;
    expect(env("web").PORT).toBe(String(stack.webPort));
    expect(env("api").API_PORT).toBe(String(stack.apiPort));
    expect(env("api").LIVEKIT_URL).toBe(`ws://127.0.0.1:${stack.livekit.port}`);
    expect(env("api").LIVEKIT_PUBLIC_URL).toBe(`wss://\${PUBLIC_HOST}?turn_tls_port=${DEFAULT_PUBLIC_PORTS.turnTls}`);
    expect(env("turn-tls").TURN_TLS_PORT).toBe(String(DEFAULT_PUBLIC_PORTS.turnTls));

    // LiveKit's configuration, as the livekit-config service writes it from compose's environment
    const generator = compose.services["livekit-config"] as { command: string[]; environment: Record<string, string> };
    const configFile = generator.command.at(-1);
    expect((compose.services.livekit as { command: string[] }).command).toEqual(["--config", configFile]);
    const fromEnv = Object.fromEntries(
      Object.entries(generator.environment).map(([k, v]) => [k, v.replace(/\$\{(\w+)(:\?[^}]*)?\}/g, (_m, name: string) => ({ NODE_IP: "203.0.113.5", PUBLIC_HOST: "calls.example.org", LIVEKIT_API_SECRET: "s".repeat(40) })[name] ?? "")]),
    );
    const livekit = (await composeLivekitConfig(fromEnv)) as Record<string, Record<string, unknown>>;
    expect(livekit.port).toBe(stack.livekit.port);
    expect(livekit.bind_addresses).toEqual(["127.0.0.1"]);
    expect(livekit.rtc).toMatchObject({ tcp_port: stack.livekit.tcpPort, udp_port: stack.livekit.udpPort, node_ip: "203.0.113.5" });
    expect(livekit.turn?.tls_port).toBe(Number(env("turn-tls").TURN_TCP_PORT));
    const plan = await planPublic("https://calls.example.org", { NODE_IP: "203.0.113.5" });
    expect(livekit.turn).toEqual(livekitPublicConfig(plan, Number(env("turn-tls").TURN_TCP_PORT)).turn);
    expect((livekit.keys as Record<string, string>).ringback).toBe("s".repeat(40));
    expect(livekit.webhook).toEqual({ api_key: "ringback", urls: [`http://127.0.0.1:${stack.apiPort}/livekit/webhook`] });
  });

  it("ships a Caddyfile that Caddy 2.6 accepts, routing /rtc to LiveKit and the rest to the web app", async () => {
    const result = spawnSync("caddy", ["adapt", "--config", join(repoRoot, "deploy", "Caddyfile"), "--adapter", "caddyfile", "--validate"], {
      encoding: "utf8",
      env: { ...process.env, PUBLIC_HOST: "calls.example.org" },
    });
    expect(result.status, result.stderr).toBe(0);
    const json = result.stdout;
    expect(json).toContain(`"dial":"127.0.0.1:${PROFILES.default.livekit.port}"`);
    expect(json).toContain(`"dial":"127.0.0.1:${PROFILES.default.webPort}"`);
    expect(json).toContain('"path":["/rtc","/rtc/*"]');
    expect(json).toContain('"host":["calls.example.org"]');
  });
});
