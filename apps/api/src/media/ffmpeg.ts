import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** What a finished ffmpeg/ffprobe run left: its exit code and (the start of) what it printed. */
export type ToolResult = { code: number | null; stdout: string; stderr: string };

/**
 * Input options for reading a file someone uploaded: only the demuxers of the containers browsers
 * record, and only local files. Without them a crafted "recording" (an HLS playlist, a concat list)
 * could make ffmpeg read other files or URLs into the media it writes, poster and transcript included.
 */
export const SAFE_INPUT = ["-format_whitelist", "matroska,webm,mov,mp4,m4a,3gp,3g2,mj2,ogg", "-protocol_whitelist", "file"] as const;

/** ffmpeg's `-i path`, read with SAFE_INPUT. */
export function input(path: string): string[] {
  return [...SAFE_INPUT, "-i", path];
}

/** Output kept from a run: enough for ffprobe's JSON of a file, never a whole stream of media. */
const MAX_CAPTURE = 1024 * 1024;
const MAX_STDERR = 16 * 1024;

export type RunOptions = {
  /** the run is killed after this long (a hostile file must not hold a job forever) */
  timeoutMs?: number;
  /** each stdout line is handed here instead of being kept */
  onLine?: (line: string) => void;
};

/** Runs ffmpeg or ffprobe with arguments (never a shell), resolving when it exits. */
export function runTool(tool: "ffmpeg" | "ffprobe", args: string[], opts: RunOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    // stdin is closed: ffmpeg must never wait for a key press (ffprobe has no -nostdin)
    const child = spawn(tool, tool === "ffmpeg" ? ["-nostdin", ...args] : args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    if (opts.onLine) {
      const onLine = opts.onLine;
      createInterface({ input: child.stdout }).on("line", onLine);
    } else {
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        if (stdout.length < MAX_CAPTURE) stdout += chunk;
      });
    }
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < MAX_STDERR) stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: stderr.trim() });
    });
  });
}

/** Runs ffmpeg and fails with its own words when it does. */
export async function ffmpeg(args: string[], opts: RunOptions = {}): Promise<void> {
  const result = await runTool("ffmpeg", ["-v", "error", "-y", ...args], opts);
  if (result.code !== 0) throw new Error(`ffmpeg failed (${result.code ?? "killed"}): ${result.stderr.slice(0, 500)}`);
}
