// Review finding F10: after a service that had been up for a while crashes, a restart that fails is
// retried after firstDelayMs again and again, forever: scheduleRestart resets the streak whenever the
// *last successful* start is older than resetAfterMs, and a failed restart never updates it. The
// contract is 1 s, 2 s, 4 s … 30 s, reset only after a minute *up*.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSupervisor } from "./supervisor";

let held: Server;
let port: number;
beforeAll(async () => {
  // the port the service needs is taken (its old instance lingering, another program): every restart fails
  held = createServer();
  await new Promise<void>((resolve) => held.listen(0, "127.0.0.1", resolve));
  port = (held.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => held.close(resolve)));

/** What a restart of a service on `port` does: bind it, or fail the way a real server does (EADDRINUSE). */
function startOnPort(): Promise<{ stop(): Promise<void>; exited: Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const exited = new Promise((r) => server.once("close", r));
      resolve({ stop: () => new Promise<void>((r) => server.close(() => r())), exited });
    });
  });
}

describe("supervisor backoff (review)", () => {
  it("backs off between failed restarts of a service that had been up longer than resetAfterMs", async () => {
    const lines: string[] = [];
    const supervisor = createSupervisor((line) => lines.push(line), { policy: { firstDelayMs: 20, maxDelayMs: 2_000, resetAfterMs: 100 } });
    // the first instance runs 300 ms (longer than resetAfterMs), then dies
    let crash!: () => void;
    const exited = new Promise<void>((resolve) => (crash = resolve));
    supervisor.add({ name: "svc", stop: async () => undefined, exited, restart: startOnPort });
    supervisor.markReady();
    await new Promise((r) => setTimeout(r, 300));
    crash();
    await new Promise((r) => setTimeout(r, 1_000));
    const delays = lines.flatMap((l) => {
      const m = /restarting in ([\d.]+) s/.exec(l);
      return m ? [Number(m[1])] : [];
    });
    // 0.02, 0.04, 0.08, 0.16, 0.32 … — today: 0.02, 0.02, 0.02 … (dozens of attempts in one second)
    expect(delays.length).toBeGreaterThanOrEqual(3);
    expect(delays.length).toBeLessThan(10);
    expect(delays[2]).toBeGreaterThan(delays[0]!);
  });
});
