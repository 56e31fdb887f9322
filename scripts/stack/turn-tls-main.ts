// compose.yaml's TURN/TLS front (its turn-tls service): TLS on TURN_TLS_PORT with Caddy's certificate for PUBLIC_HOST
// (followed through renewals), plain TURN to LiveKit on 127.0.0.1:TURN_TCP_PORT.
import { findCertificate } from "./public";
import { startTurnTls } from "./turn-tls";

const host = process.env.PUBLIC_HOST;
if (!host) throw new Error("PUBLIC_HOST is required");
const storage = process.env.CADDY_STORAGE ?? "/data/caddy";
const port = Number(process.env.TURN_TLS_PORT ?? 5349);
const target = Number(process.env.TURN_TCP_PORT ?? 5350);
const log = (line: string) => console.log(`[turn-tls] ${line}`);
const server = await startTurnTls({ port, target: { host: "127.0.0.1", port: target }, certificate: () => findCertificate(storage, host), log });
log(`TURN/TLS for ${host} on port ${server.port}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void server.close().then(() => process.exit(0)));
