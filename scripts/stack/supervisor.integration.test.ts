// The supervisor with real child processes: a crashed service comes back on its port with backoff
// and log lines, services.json follows it, and stopping works also while a restart is pending.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { freeTcpPort } from "./ports";

const fixture = fileURLToPath(new URL("./supervisor-fixture.ts", import.meta.url));

type Stack = { child: ChildProcess; output: () => string; waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>; exit: Promise<number | null> };
type State = Record<string, { pid: number; restarts: number; startedAt: string }>;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startStack(...extra: string[]) {
  const dir = await mkdtemp(join(tmpdir(), "ringback-supervisor-"));
  const [portA, portB] = [await freeTcpPort(), await freeTcpPort()];
  const child = spawn(process.execPath, ["--import", "tsx", fixture, dir, String(portA), String(portB), ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill("SIGKILL");
      await exit;
    }
    await rm(dir, { recursive: true, force: true });
  });
  const stack: Stack = {
    child,
    exit,
    output: () => text,
    async waitFor(wanted, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      const seen = () => (typeof wanted === "string" ? text.includes(wanted) : wanted.test(text));
      while (!seen()) {
        if (Date.now() > deadline) throw new Error(`no ${String(wanted)} in:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
  const state = async (): Promise<State> => JSON.parse(await readFile(join(dir, "services.json"), "utf8")) as State;
  const answer = async (port: number): Promise<string> => (await fetch(`http://127.0.0.1:${port}/`)).text();
  return { stack, state, answer, portA, portB };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("supervisor", () => {
  it("restarts a crashed child with backoff on the same port and tracks it in services.json", async () => {
    const { stack, state, answer, portA, portB } = await startStack();
    await stack.waitFor("[stack] ready");
    const first = await state();
    expect(first.alpha?.restarts).toBe(0);
    expect(first.beta?.restarts).toBe(0);
    const betaPid = first.beta!.pid;

    process.kill(first.alpha!.pid, "SIGKILL");
    await stack.waitFor("[stack] alpha exited unexpectedly (signal SIGKILL); restarting in 1 s (restart 1)");
    // the other service keeps serving meanwhile
    expect(await answer(portB)).toBe(String(betaPid));
    await stack.waitFor("[stack] alpha is back");
    const second = await state();
    expect(second.alpha?.restarts).toBe(1);
    expect(second.alpha?.pid).not.toBe(first.alpha!.pid);
    expect(await answer(portA)).toBe(String(second.alpha!.pid));

    // a second crash soon after waits twice as long
    const crashed = Date.now();
    process.kill(second.alpha!.pid, "SIGKILL");
    await stack.waitFor("alpha exited unexpectedly (signal SIGKILL); restarting in 2 s (restart 2)");
    await stack.waitFor(/alpha is back[\s\S]*alpha is back/);
    expect(Date.now() - crashed).toBeGreaterThanOrEqual(2_000);
    const third = await state();
    expect(third.alpha?.restarts).toBe(2);
    expect(third.beta).toEqual(first.beta);
    expect(await answer(portA)).toBe(String(third.alpha!.pid));
    expect(stack.output()).not.toContain("stopping everything");

    stack.child.kill("SIGTERM");
    expect(await stack.exit).toBe(0);
    expect(alive(third.alpha!.pid) || alive(betaPid)).toBe(false);
  });

  it("stops cleanly when told to while a restart is pending", async () => {
    const { stack, state } = await startStack();
    await stack.waitFor("[stack] ready");
    const { alpha, beta } = await state();
    process.kill(beta!.pid, "SIGKILL");
    await stack.waitFor("beta exited unexpectedly (signal SIGKILL); restarting in 1 s (restart 1)");
    stack.child.kill("SIGTERM");
    expect(await stack.exit).toBe(0);
    expect(stack.output()).toContain("[stack] stopped");
    expect(stack.output()).not.toContain("beta is back");
    // nothing was restarted behind our back, and nothing is left running
    const after = await state();
    expect(after.beta?.pid).toBe(beta!.pid);
    expect(alive(alpha!.pid)).toBe(false);
  });

  it("waits for a part still starting when told to stop, and stops it too", async () => {
    const { stack } = await startStack("slow-part");
    await stack.waitFor(/slow pid (\d+)/);
    const slowPid = Number(/slow pid (\d+)/.exec(stack.output())![1]);
    await stack.waitFor("listening");
    stack.child.kill("SIGTERM");
    expect(await stack.exit).toBe(0);
    expect(stack.output()).not.toContain("[stack] ready");
    expect(alive(slowPid)).toBe(false);
  });

  it("stops everything when a service dies during start-up", async () => {
    const { stack, state } = await startStack("crash-at-start");
    expect(await stack.exit).toBe(1);
    expect(stack.output()).toContain("beta exited unexpectedly (code 3) during start-up; stopping everything");
    expect(stack.output()).toContain("[stack] stopped after an error");
    expect(alive((await state()).alpha!.pid)).toBe(false);
  });
});
