// A tiny stack for supervisor.integration.test.ts: two real child processes (HTTP servers) under
// the real supervisor, so restarts, services.json and stopping are tested without the whole stack.
// Usage: supervisor-fixture.ts <dataDir> <portA> <portB> [crash-at-start|slow-part]
import { spawn } from "node:child_process";
import { join } from "node:path";
import { waitForHttp } from "./ports";
import { createSupervisor } from "./supervisor";

const [dataDir, portA, portB, mode] = process.argv.slice(2);
if (!dataDir || !portA || !portB) throw new Error("usage: supervisor-fixture.ts <dataDir> <portA> <portB> [crash-at-start|slow-part]");

const supervisor = createSupervisor((line) => console.log(`[stack] ${line}`));
supervisor.installSignalHandlers();
supervisor.setStateFile(join(dataDir, "services.json"));

// slow-part: a part that takes 2 s to get ready starts alongside the others (as SeaweedFS does)
let slowReady: Promise<unknown> = Promise.resolve();
if (mode === "slow-part") {
  const startSlow = async () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    console.log(`[stack] slow pid ${child.pid}`);
    const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return {
      pid: child.pid,
      exited,
      stop: async () => {
        child.kill("SIGTERM");
        await exited;
      },
    };
  };
  slowReady = supervisor.starting("slow", startSlow(), startSlow);
}

// Answers with its pid, so the test sees which instance serves the port.
const server = (port: string): string[] => [
  "-e",
  `require("node:http").createServer((q, r) => r.end(String(process.pid))).listen(${port}, "127.0.0.1", () => console.log("listening"))`,
];
for (const [name, port] of [["alpha", portA], ["beta", portB]] as const) {
  const url = `http://127.0.0.1:${port}/`;
  const child = supervisor.spawn({
    name,
    command: process.execPath,
    // crash-at-start: beta dies before the stack is ready, as a service with a bad config would
    args: mode === "crash-at-start" && name === "beta" ? ["-e", "process.exit(3)"] : server(port),
    cwd: dataDir,
    env: {},
    ready: (aborted) => waitForHttp(url, { timeoutMs: 10_000, aborted }),
  });
  try {
    await waitForHttp(url, { timeoutMs: 10_000, aborted: child.failure });
  } catch (error) {
    console.log(`[stack] ${error instanceof Error ? error.message : String(error)}`);
    await supervisor.shutdown(1);
  }
}
await slowReady;
supervisor.markReady();
console.log("[stack] ready");
