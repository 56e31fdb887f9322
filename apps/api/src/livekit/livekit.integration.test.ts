import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { TokenVerifier } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalLivekit, type LivekitHandle } from "../../../../scripts/stack/livekit";
import { freeTcpPort } from "../../../../scripts/stack/ports";
import { signLikeLivekit } from "../testing/webhook-signer";
import type { LivekitConfig } from "./config";
import { createRoom, deleteRoom, listRooms } from "./rooms";
import { mintJoinToken } from "./tokens";
import { receiveWebhook, WebhookAuthError, WebhookPayloadError, type WebhookEvent } from "./webhooks";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

type Delivery = { body: string; auth: string | undefined };

// A server of our own (not the shared one from the global setup) so it can post webhooks to us.
let livekit: LivekitHandle;
let sink: Server;
let cfg: LivekitConfig;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  sink = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      deliveries.push({ body, auth: req.headers.authorization });
      res.writeHead(200).end();
    });
  });
  const sinkPort = await freeTcpPort();
  await new Promise<void>((resolve) => sink.listen(sinkPort, "127.0.0.1", resolve));

  const local = await startLocalLivekit(repoRoot, { apiKey: "itestkey", webhookUrl: `http://127.0.0.1:${sinkPort}/livekit/webhook` });
  livekit = local.server;
  cfg = local.config;
});

afterAll(async () => {
  await livekit?.stop();
  await new Promise((resolve) => sink?.close(resolve));
});

function httpUrl(path: string): string {
  return `${cfg.url.replace(/^ws/, "http")}${path}`;
}

async function waitForWebhook(match: (event: WebhookEvent) => boolean): Promise<{ delivery: Delivery; event: WebhookEvent }> {
  const deadline = Date.now() + 15_000;
  const seen = new Set<Delivery>();
  while (Date.now() < deadline) {
    for (const delivery of deliveries) {
      if (seen.has(delivery)) continue;
      seen.add(delivery);
      const event = await receiveWebhook(cfg, delivery.body, delivery.auth);
      if (match(event)) return { delivery, event };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no matching webhook among ${deliveries.length} deliveries`);
}


describe("join tokens", () => {
  it("grants joining one room only, with publish and subscribe and nothing admin", async () => {
    const token = await mintJoinToken(cfg, { identity: "user-1", name: "Ada", roomName: "call-abc", ttlSeconds: 120 });
    const claims = await new TokenVerifier(cfg.apiKey, cfg.apiSecret).verify(token);

    expect(claims.sub).toBe("user-1");
    expect(claims.name).toBe("Ada");
    expect(claims.iss).toBe(cfg.apiKey);
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBe(120);
    expect(claims.video).toEqual({
      roomJoin: true,
      room: "call-abc",
      canPublish: true,
      canSubscribe: true,
      canPublishData: false,
      canUpdateOwnMetadata: false,
    });
  });

  it("can mint a listen-only token", async () => {
    const token = await mintJoinToken(cfg, { identity: "user-2", roomName: "call-abc", canPublish: false });
    const claims = await new TokenVerifier(cfg.apiKey, cfg.apiSecret).verify(token);
    expect(claims.video?.canPublish).toBe(false);
    expect(claims.video?.canSubscribe).toBe(true);
  });

  it("is accepted by the real server for joining but refused for the room admin API", async () => {
    await createRoom(cfg, "call-validate", { emptyTimeoutSeconds: 60 });
    const token = await mintJoinToken(cfg, { identity: "user-3", roomName: "call-validate" });

    const validate = await fetch(httpUrl(`/rtc/validate?access_token=${encodeURIComponent(token)}`));
    expect(validate.status).toBe(200);

    const admin = await fetch(httpUrl("/twirp/livekit.RoomService/ListRooms"), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect([401, 403]).toContain(admin.status);
  });

  it("signed with another secret is refused by the real server", async () => {
    const forged = await mintJoinToken({ ...cfg, apiSecret: randomBytes(24).toString("hex") }, {
      identity: "mallory",
      roomName: "call-validate",
    });
    const validate = await fetch(httpUrl(`/rtc/validate?access_token=${encodeURIComponent(forged)}`));
    expect(validate.status).toBe(401);
  });
});

describe("rooms", () => {
  it("creates, lists and deletes a room on the server", async () => {
    const name = `room-${randomBytes(4).toString("hex")}`;
    const created = await createRoom(cfg, name, { emptyTimeoutSeconds: 60, maxParticipants: 2 });
    expect(created.name).toBe(name);
    expect(created.sid).toMatch(/^RM_/);

    const listed = await listRooms(cfg);
    const found = listed.find((room) => room.name === name);
    expect(found).toMatchObject({ name, sid: created.sid, maxParticipants: 2, numParticipants: 0 });

    await deleteRoom(cfg, name);
    expect((await listRooms(cfg)).map((room) => room.name)).not.toContain(name);
    // Deleting again (the room ended on its own, or two cleanups raced) is fine.
    await expect(deleteRoom(cfg, name)).resolves.toBeUndefined();
  });
});

describe("webhooks", () => {
  it("refuses a valid token for a room that was deleted: a finished call cannot be reopened", async () => {
    await createRoom(cfg, "call-finished", { emptyTimeoutSeconds: 60 });
    const token = await mintJoinToken(cfg, { identity: "user-4", roomName: "call-finished" });
    await deleteRoom(cfg, "call-finished");
    const validate = await fetch(httpUrl(`/rtc/validate?access_token=${encodeURIComponent(token)}`));
    expect(validate.status).toBeGreaterThanOrEqual(400);
    expect(await listRooms(cfg, ["call-finished"])).toEqual([]);
  });

  it("accepts what the real server signs, and rejects the same delivery tampered or unsigned", async () => {
    const name = `hook-${randomBytes(4).toString("hex")}`;
    await createRoom(cfg, name, { emptyTimeoutSeconds: 60 });
    const { delivery, event } = await waitForWebhook((e) => e.event === "room_started" && e.room?.name === name);
    expect(event.room?.name).toBe(name);
    await deleteRoom(cfg, name);

    const tampered = delivery.body.replace(name, "someone-elses-room");
    expect(tampered).not.toBe(delivery.body);
    await expect(receiveWebhook(cfg, tampered, delivery.auth)).rejects.toBeInstanceOf(WebhookAuthError);
    await expect(receiveWebhook(cfg, delivery.body, undefined)).rejects.toBeInstanceOf(WebhookAuthError);
    await expect(receiveWebhook(cfg, delivery.body, "")).rejects.toBeInstanceOf(WebhookAuthError);
    // Re-serialising the JSON changes the bytes, which is why the handler must pass the raw text.
    const reserialised = JSON.stringify(JSON.parse(delivery.body), null, 2);
    await expect(receiveWebhook(cfg, reserialised, delivery.auth)).rejects.toBeInstanceOf(WebhookAuthError);
  });

  it("accepts a correctly signed body and rejects one signed with the wrong secret or key", async () => {
    const body = JSON.stringify({
      event: "room_finished",
      id: "EV_test",
      createdAt: String(Math.floor(Date.now() / 1000)),
      room: { sid: "RM_test", name: "call-xyz" },
    });

    const good = await signLikeLivekit(body, cfg.apiKey, cfg.apiSecret);
    const event = await receiveWebhook(cfg, body, good);
    expect(event.event).toBe("room_finished");
    expect(event.room?.name).toBe("call-xyz");
    await expect(receiveWebhook(cfg, body, `Bearer ${good}`)).resolves.toMatchObject({ event: "room_finished" });

    const wrongSecret = await signLikeLivekit(body, cfg.apiKey, randomBytes(24).toString("hex"));
    await expect(receiveWebhook(cfg, body, wrongSecret)).rejects.toBeInstanceOf(WebhookAuthError);

    const wrongKey = await signLikeLivekit(body, "otherkey", cfg.apiSecret);
    await expect(receiveWebhook(cfg, body, wrongKey)).rejects.toBeInstanceOf(WebhookAuthError);

    // A valid signature over a different body (the sha256 claim) must not carry this one.
    const otherBody = body.replace("call-xyz", "call-other");
    await expect(receiveWebhook(cfg, otherBody, good)).rejects.toBeInstanceOf(WebhookAuthError);


    // Unsigned junk is an auth failure; only a genuinely signed body can be "malformed".
    await expect(receiveWebhook(cfg, "{not json", good)).rejects.toBeInstanceOf(WebhookAuthError);
  });

  it("reports a correctly signed but unreadable body as a payload error, not an auth error", async () => {
    for (const junk of ["{not json", JSON.stringify({ event: 42, room: "not an object" })]) {
      const signed = await signLikeLivekit(junk, cfg.apiKey, cfg.apiSecret);
      await expect(receiveWebhook(cfg, junk, signed)).rejects.toBeInstanceOf(WebhookPayloadError);
    }
  });
});
