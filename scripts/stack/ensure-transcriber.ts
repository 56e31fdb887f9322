// Prints the path of the transcriber's Python, installing its venv and models first if needed.
// Used by ./ringback before anything else starts, so the one-off install is visible on its own.
import { fileURLToPath } from "node:url";
import { ensureTranscriber } from "./transcriber";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
try {
  const install = await ensureTranscriber(repoRoot, (line) => console.error(line));
  console.log(install.python);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
