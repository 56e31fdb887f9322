// What the stack needs to find or build the Go programs it runs (LiveKit server, SeaweedFS).
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The machine's Go version, or undefined when `go` is not installed. */
export async function goVersion(): Promise<{ major: number; minor: number } | undefined> {
  const output = await runCapture("go", ["env", "GOVERSION"], process.env, "ignore").catch(() => undefined);
  const match = output?.match(/go(\d+)\.(\d+)/);
  if (!match?.[1] || !match[2]) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** Runs a command and returns what it printed; its errors go to ours unless `stderr` says otherwise. */
export async function runCapture(command: string, args: string[], env: NodeJS.ProcessEnv, stderr: "inherit" | "ignore" = "inherit"): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", stderr], env });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(text) : reject(new Error(`${command} ${args.join(" ")} failed with exit code ${code}`))));
  });
}

/** Runs a command with our terminal (a long build shows its own output), failing on a non-zero exit. */
export async function runInherited(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env, cwd });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} failed with exit code ${code}`))));
  });
}
