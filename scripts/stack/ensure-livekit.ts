// Prints the path of a usable livekit-server binary, building the pinned release if needed.
// Used by ./ringback before anything else starts, so a slow first build is visible on its own.
import { fileURLToPath } from "node:url";
import { ensureLivekitBinary } from "./livekit";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
try {
  const binary = await ensureLivekitBinary(repoRoot, (line) => console.error(line));
  console.log(binary);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
