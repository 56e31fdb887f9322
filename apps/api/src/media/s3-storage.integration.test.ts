import { createHash, randomBytes, randomUUID } from "node:crypto";
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readEnv } from "../env";
import { testS3Storage } from "../testing/harness";
import { LocalStorage } from "./local-storage";
import { PART_BYTES, S3Storage } from "./s3-storage";
import { storageFromEnv } from "./services";

// Against the run's real S3-compatible store (SeaweedFS from scripts/test-env), not a fake.
let storage: S3Storage;
let raw: S3Client;
let work: string;
const s3 = () => inject("s3");
beforeAll(async () => {
  storage = testS3Storage();
  const { endpoint, region, accessKeyId, secretAccessKey } = s3();
  raw = new S3Client({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, forcePathStyle: true });
  work = await mkdtemp(join(tmpdir(), "ringback-s3-test-"));
});
afterAll(async () => {
  raw.destroy();
  await rm(work, { recursive: true, force: true });
});

async function fileWith(bytes: Buffer): Promise<string> {
  const path = join(work, randomUUID());
  await writeFile(path, bytes);
  return path;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const exists = (path: string) => access(path).then(() => true, () => false);

describe("S3Storage on SeaweedFS", () => {
  it("stores a small file in one request, reads it whole and by range, and moves the source away", async () => {
    const bytes = randomBytes(100_000);
    const from = await fileWith(bytes);
    const key = `messages/${randomUUID()}/media.webm`;
    expect(await storage.putFile(key, from)).toEqual({ size: bytes.length });
    expect(await exists(from)).toBe(false);
    expect(await storage.stat(key)).toEqual({ size: bytes.length });
    expect(sha(await readAll(storage.read(key)))).toBe(sha(bytes));
    expect(await readAll(storage.read(key, { start: 10, end: 19 }))).toEqual(bytes.subarray(10, 20));
    expect(await readAll(storage.read(key, { start: bytes.length - 1, end: bytes.length - 1 }))).toEqual(bytes.subarray(-1));
  });

  it("stores a file of more than two parts as a multipart upload, byte for byte", async () => {
    const bytes = randomBytes(PART_BYTES * 3 + 12_345);
    const key = `library/${randomUUID()}/media.webm`;
    expect(await storage.putFile(key, await fileWith(bytes))).toEqual({ size: bytes.length });
    // a multipart object's ETag is "<md5 of the part md5s>-<parts>"
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3().bucket, Key: key }));
    expect(head.ETag).toMatch(/-4"?$/);
    expect(head.ContentLength).toBe(bytes.length);
    expect(sha(await readAll(storage.read(key)))).toBe(sha(bytes));
    // a range across a part boundary
    const start = PART_BYTES - 100;
    expect(await readAll(storage.read(key, { start, end: start + 199 }))).toEqual(bytes.subarray(start, start + 200));
  });

  it("says null for a file that is not there, and a read of one fails", async () => {
    const key = `messages/${randomUUID()}/media.webm`;
    expect(await storage.stat(key)).toBeNull();
    await expect(readAll(storage.read(key))).rejects.toThrow();
  });

  it("copies whole, deletes one file (twice is fine) and a whole folder", async () => {
    const id = randomUUID();
    const bytes = randomBytes(5_000);
    await storage.putFile(`messages/${id}/media.webm`, await fileWith(bytes));
    await storage.putFile(`messages/${id}/poster.jpg`, await fileWith(randomBytes(300)));
    const copyKey = `library/${randomUUID()}/media.webm`;
    expect(await storage.copy(`messages/${id}/media.webm`, copyKey)).toEqual({ size: bytes.length });
    expect(await readAll(storage.read(copyKey))).toEqual(bytes);

    await storage.delete(copyKey);
    await storage.delete(copyKey);
    expect(await storage.stat(copyKey)).toBeNull();

    // a neighbour whose id starts the same is not under the prefix
    const neighbour = `messages/${id}x/media.webm`;
    await raw.send(new PutObjectCommand({ Bucket: s3().bucket, Key: neighbour, Body: "x" }));
    await storage.deletePrefix(`messages/${id}/`);
    expect(await storage.stat(`messages/${id}/media.webm`)).toBeNull();
    expect(await storage.stat(`messages/${id}/poster.jpg`)).toBeNull();
    expect(await storage.stat(neighbour)).toEqual({ size: 1 });
    await storage.deletePrefix(`messages/${id}/`);
  });

  it("deletes a folder of more than one listing page (1000 keys)", async () => {
    const prefix = `library/${randomUUID()}/`;
    const keys = Array.from({ length: 1_010 }, (_, i) => `${prefix}f${i}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((Key) => raw.send(new PutObjectCommand({ Bucket: s3().bucket, Key, Body: "x" }))));
    }
    await storage.deletePrefix(prefix);
    const left = await raw.send(new ListObjectsV2Command({ Bucket: s3().bucket, Prefix: prefix }));
    expect(left.KeyCount ?? 0).toBe(0);
  }, 60_000);

  it("refuses keys that leave their folder", async () => {
    for (const key of ["", "/etc/passwd", "../x", "messages/../../x", "a\\b"]) {
      expect(() => storage.read(key), key).toThrow(/Invalid storage key/);
      await expect(storage.stat(key), key).rejects.toThrow(/Invalid storage key/);
      await expect(storage.deletePrefix(key), key).rejects.toThrow(/Invalid storage key/);
    }
  });

  describe("signed URLs", () => {
    const bytes = randomBytes(64 * 1024);
    const key = `messages/${randomUUID()}/media.webm`;
    beforeAll(async () => {
      await storage.putFile(key, await fileWith(bytes));
    });

    it("serve the file with the type and disposition asked for, and ranges", async () => {
      const url = await storage.signedUrl(key, { contentType: "video/webm", contentDisposition: 'attachment; filename="a.webm"' });
      expect(url.startsWith(`${s3().endpoint}/${s3().bucket}/`)).toBe(true);
      const whole = await fetch(url);
      expect(whole.status).toBe(200);
      expect(whole.headers.get("content-type")).toBe("video/webm");
      expect(whole.headers.get("content-disposition")).toBe('attachment; filename="a.webm"');
      expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
      const part = await fetch(url, { headers: { range: "bytes=100-199" } });
      expect(part.status).toBe(206);
      expect(part.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
      expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    });

    it("are refused by the store when tampered with: another key, another signature", async () => {
      const url = new URL(await storage.signedUrl(key, { contentType: "video/webm" }));
      const otherKey = new URL(url);
      otherKey.pathname = otherKey.pathname.replace("media.webm", "poster.jpg");
      expect((await fetch(otherKey)).status).toBe(403);
      const otherSignature = new URL(url);
      const sig = otherSignature.searchParams.get("X-Amz-Signature") ?? "";
      otherSignature.searchParams.set("X-Amz-Signature", `${sig.slice(0, -1)}${sig.endsWith("0") ? "1" : "0"}`);
      expect((await fetch(otherSignature)).status).toBe(403);
      const unsigned = new URL(url);
      unsigned.search = "";
      expect((await fetch(unsigned)).status).toBe(403);
    });

    it("are refused by the store once expired", async () => {
      const url = await testS3Storage(1).signedUrl(key, { contentType: "video/webm" });
      expect((await fetch(url)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 2_100));
      expect((await fetch(url)).status).toBe(403);
    });
  });
});

describe("storage from the environment", () => {
  const base: NodeJS.ProcessEnv = {
    NODE_ENV: "test",
    DATABASE_URL: "postgres://localhost/x",
    AUTH_SECRET: "x".repeat(32),
    LIVEKIT_URL: "ws://127.0.0.1:7880",
    LIVEKIT_API_KEY: "k",
    LIVEKIT_API_SECRET: "s".repeat(32),
  };
  const withS3 = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...base,
    S3_BUCKET: s3().bucket,
    S3_ENDPOINT: s3().endpoint,
    S3_ACCESS_KEY_ID: s3().accessKeyId,
    S3_SECRET_ACCESS_KEY: s3().secretAccessKey,
    ...extra,
  });

  it("is local files without S3_BUCKET", () => {
    expect(storageFromEnv(readEnv(base))).toBeInstanceOf(LocalStorage);
  });

  it("is the bucket with S3_BUCKET, signing for S3_PUBLIC_ENDPOINT, path-style by default with an endpoint", async () => {
    const storage = storageFromEnv(readEnv(withS3()));
    expect(storage).toBeInstanceOf(S3Storage);
    const key = `messages/${randomUUID()}/poster.jpg`;
    await storage.putFile(key, await fileWith(randomBytes(10)));
    expect(await storage.stat(key)).toEqual({ size: 10 });
    // signed for where browsers reach the store, which self-hosted stores serve path-style
    const publicUrl = { S3_PUBLIC_ENDPOINT: "https://media.example.org", MEDIA_URL_TTL_SECONDS: "120" };
    const url = await storageFromEnv(readEnv(withS3(publicUrl))).signedUrl?.(key, { contentType: "image/jpeg" });
    expect(url?.startsWith(`https://media.example.org/${s3().bucket}/${key}?`)).toBe(true);
    expect(new URL(url ?? "").searchParams.get("X-Amz-Expires")).toBe("120");
    // S3_FORCE_PATH_STYLE=0: a name per bucket, as AWS itself does it
    const hosted = await storageFromEnv(readEnv(withS3({ ...publicUrl, S3_FORCE_PATH_STYLE: "0" }))).signedUrl?.(key, { contentType: "image/jpeg" });
    expect(hosted?.startsWith(`https://${s3().bucket}.media.example.org/${key}?`)).toBe(true);
  });

  it("refuses half a key pair", () => {
    expect(() => storageFromEnv(readEnv(withS3({ S3_SECRET_ACCESS_KEY: "" })))).toThrow(/go together/);
  });
});
