// TURN over TLS in front of LiveKit's embedded TURN server (which then runs with `external_tls`):
// TLS is ended here with Caddy's certificate for the public name, re-read whenever Caddy renews it
// (LiveKit would read its certificate once, and Caddy's internal certificates last 12 hours).
import { readFile, stat } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { createSecureContext, createServer, type SecureContext, type Server, type TLSSocket } from "node:tls";

export type TurnTlsOptions = {
  /** The public TURN/TLS port, on all interfaces unless `host` is set. */
  port: number;
  host?: string;
  /** LiveKit's plain TURN-over-TCP listener. */
  target: { host: string; port: number };
  /** Finds the current certificate and key files (undefined while none is issued yet). */
  certificate: () => Promise<{ cert: string; key: string } | undefined>;
  log: (line: string) => void;
  /** How often the certificate files are checked for a renewal. */
  recheckMs?: number;
};

export type TurnTlsHandle = { port: number; close(): Promise<void> };

export async function startTurnTls(opts: TurnTlsOptions): Promise<TurnTlsHandle> {
  let context: SecureContext | undefined;
  let loadedFrom = "";
  let checkedAt = 0;
  const recheckMs = opts.recheckMs ?? 60_000;
  let server: Server | undefined;

  const refresh = async (force = false): Promise<SecureContext | undefined> => {
    if (!force && context && Date.now() - checkedAt < recheckMs) return context;
    checkedAt = Date.now();
    try {
      const files = await opts.certificate();
      if (!files) return context;
      const stamp = `${files.cert}:${(await stat(files.cert)).mtimeMs}`;
      if (stamp !== loadedFrom) {
        const [cert, key] = await Promise.all([readFile(files.cert), readFile(files.key)]);
        context = createSecureContext({ cert, key, minVersion: "TLSv1.2" });
        // the default for clients that send no server name
        server?.setSecureContext({ cert, key, minVersion: "TLSv1.2" });
        if (loadedFrom) opts.log("TURN/TLS certificate renewed");
        loadedFrom = stamp;
      }
    } catch (error) {
      opts.log(`TURN/TLS certificate not loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
    return context;
  };
  const open = new Set<Socket>();
  server = createServer(
    {
      SNICallback: (_name, done) => {
        refresh().then(
          (ctx) => (ctx ? done(null, ctx) : done(new Error("no certificate yet"))),
          (error: Error) => done(error),
        );
      },
    },
    (client: TLSSocket) => {
      const upstream = connect(opts.target.port, opts.target.host);
      open.add(client);
      open.add(upstream);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
        open.delete(client);
        open.delete(upstream);
      };
      client.on("error", end).on("close", end);
      upstream.on("error", end).on("close", end);
      client.pipe(upstream);
      upstream.pipe(client);
    },
  );
  await refresh(true);
  // A handshake that fails (scanner, wrong name, no certificate yet) must not take anything down.
  server.on("tlsClientError", () => undefined);
  const listening = server;
  await new Promise<void>((resolve, reject) => {
    listening.once("error", reject);
    listening.listen(opts.port, opts.host ?? "0.0.0.0", () => {
      listening.off("error", reject);
      resolve();
    });
  });
  listening.on("error", (error) => opts.log(`TURN/TLS: ${error.message}`));
  const address = listening.address();
  return {
    port: typeof address === "object" && address ? address.port : opts.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        listening.close(() => resolve());
      }),
  };
}
