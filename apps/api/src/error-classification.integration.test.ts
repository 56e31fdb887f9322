// Review finding F3: isDatabaseUnavailable() keys on bare socket error codes anywhere in the cause
// chain, so failures that are not Postgres (the S3 store down, a child process's pipe, a client that
// hung up) are answered "Ringback can't reach its database right now" with a 503 and logged only as a
// database warning: a real outage or bug masquerades as a database blip and loses its reference.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./error-reference";
import { S3Storage } from "./media/s3-storage";

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("what counts as 'the database is unavailable'", () => {
  it("is not an S3 store that refuses connections", async () => {
    const storage = new S3Storage({
      bucket: "b",
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      region: "us-east-1",
      credentials: { accessKeyId: "k", secretAccessKey: "s" },
      forcePathStyle: true,
      urlTtlSeconds: 60,
    });
    const err = await storage.stat("messages/x/media.webm").then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(isDatabaseUnavailable(err)).toBe(false);
  });

  it("is not a child process whose stdin closed (EPIPE)", async () => {
    // a child (ffmpeg, ffprobe) that stopped reading its stdin and lives on
    const child = spawn(process.execPath, ["-e", "require('fs').closeSync(0); setTimeout(() => {}, 3000)"], { stdio: ["pipe", "ignore", "ignore"] });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const err = await new Promise<unknown>((resolve) => {
      child.stdin.once("error", resolve);
      child.stdin.write(Buffer.alloc(1024 * 1024), (e) => e && resolve(e));
    });
    child.kill();
    expect((err as NodeJS.ErrnoException).code).toBe("EPIPE");
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
