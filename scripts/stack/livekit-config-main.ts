// compose.yaml's livekit-config service: writes LiveKit's configuration for public mode, the same
// one `./ringback start --public` generates (livekit.ts + public.ts), to the file named on the
// command line (mode 0600: it holds the API secret). Reads PUBLIC_HOST, NODE_IP, LIVEKIT_API_KEY,
// LIVEKIT_API_SECRET, API_URL and the TURN_* ports.
import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";
import { livekitConfig } from "./livekit";
import { PROFILES } from "./profiles";
import { livekitPublicConfig, planPublic } from "./public";

export async function composeLivekitConfig(env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  if (!env.PUBLIC_HOST) throw new Error("PUBLIC_HOST is required");
  if (!env.LIVEKIT_API_SECRET) throw new Error("LIVEKIT_API_SECRET is required");
  const plan = await planPublic(`https://${env.PUBLIC_HOST}`, env);
  const ports = PROFILES.default;
  return livekitConfig({
    binary: "livekit-server",
    ...ports.livekit,
    apiKey: env.LIVEKIT_API_KEY || "ringback",
    apiSecret: env.LIVEKIT_API_SECRET,
    webhookUrl: `${env.API_URL || `http://127.0.0.1:${ports.apiPort}`}/livekit/webhook`,
    publicConfig: livekitPublicConfig(plan, plan.turn.tlsPort === null ? null : plan.turn.tlsPort + 1),
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  const target = process.argv[2];
  if (!target) throw new Error("usage: livekit-config-main.ts <output file>");
  await writeFile(target, stringify(await composeLivekitConfig(process.env)), { mode: 0o600 });
  console.log(`[livekit-config] wrote ${target}`);
}
