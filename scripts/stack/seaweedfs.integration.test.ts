// SeaweedFS as the stack starts it, with the real weed binary: its own HTTP ports (filer, volume)
// must not hand stored media to a local process without a token, while the S3 gateway keeps
// serving signed requests and signed URLs.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3Storage } from "../../apps/api/src/media/s3-storage";
import { freeTcpPort } from "./ports";
import { ensureSeaweedfsBinary, startSeaweedfs, type SeaweedfsHandle } from "./seaweedfs";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const keys = { accessKey: "weedtest", secretKey: randomBytes(20).toString("hex") };
const bucket = "weed-test";
let dir: string;
let ports: { s3: number; master: number; volume: number; filer: number };
let weed: SeaweedfsHandle;
let grpc: { master: number; volume: number; filer: number; s3: number };
let binary: string;

async function start(): Promise<SeaweedfsHandle> {
  return startSeaweedfs({
    binary,
    dataDir: join(dir, "seaweedfs"),
    s3Port: ports.s3,
    masterPort: ports.master,
    volumePort: ports.volume,
    filerPort: ports.filer,
    grpcPorts: grpc,
    ...keys,
    bucket,
  });
}

beforeAll(async () => {
  binary = await ensureSeaweedfsBinary(repoRoot, () => undefined);
  dir = await mkdtemp(join(tmpdir(), "ringback-weed-"));
  ports = { s3: await freeTcpPort(), master: await freeTcpPort(), volume: await freeTcpPort(), filer: await freeTcpPort() };
  grpc = { master: await freeTcpPort(), volume: await freeTcpPort(), filer: await freeTcpPort(), s3: await freeTcpPort() };
  weed = await start();
});
afterAll(async () => {
  await weed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("SeaweedFS as the stack runs it", () => {
  it("an object stored through S3 cannot be read from the filer or volume ports without a token", async () => {
    const storage = new S3Storage({
      bucket,
      endpoint: weed.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: keys.accessKey, secretAccessKey: keys.secretKey },
      forcePathStyle: true,
      urlTtlSeconds: 60,
    });
    const key = `messages/${randomUUID()}/media.webm`;
    const from = join(dir, "secret.bin");
    await writeFile(from, "PRIVATE MESSAGE BYTES");
    await storage.putFile(key, from);

    // the filer's HTTP port: the object by path, and the bucket's listing
    const byPath = await fetch(`http://127.0.0.1:${ports.filer}/buckets/${bucket}/${key}`);
    const body = await byPath.text();
    expect(body).not.toContain("PRIVATE");
    expect(byPath.status).toBe(401);
    const listing = await fetch(`http://127.0.0.1:${ports.filer}/buckets/${bucket}/messages/`, { headers: { accept: "application/json" } });
    expect(await listing.text()).not.toContain(key.split("/")[1]);
    expect(listing.status).toBe(401);

    // the volume server by file id: every fid of volume 1..4 with small needle/cookie guesses is
    // not practical, but a read without a token is refused before the fid is even looked up
    const volume = await fetch(`http://127.0.0.1:${ports.volume}/1,0100000000`);
    await volume.body?.cancel();
    expect(volume.status).toBe(401);

    // the S3 gateway: anonymous refused, signed reads and signed URLs still work
    const anonymous = await fetch(`${weed.endpoint}/${bucket}/${key}`);
    await anonymous.body?.cancel();
    expect(anonymous.status).toBe(403);
    const chunks: Buffer[] = [];
    for await (const chunk of storage.read(key)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("PRIVATE MESSAGE BYTES");
    const signed = await fetch(await storage.signedUrl(key, { contentType: "video/webm" }));
    expect(signed.status).toBe(200);
    expect(await signed.text()).toBe("PRIVATE MESSAGE BYTES");
  });

  it("keeps its data folder to its own user", async () => {
    expect((await stat(join(dir, "seaweedfs"))).mode & 0o777).toBe(0o700);
  });

  it("forgets a crashed instance's exit hook (a supervisor restarts it many times)", async () => {
    const before = process.listenerCount("exit");
    process.kill(weed.pid ?? 0, "SIGKILL");
    await weed.exited;
    expect(process.listenerCount("exit")).toBe(before - 1);
    weed = await start();
    expect(process.listenerCount("exit")).toBe(before);
  });
});
