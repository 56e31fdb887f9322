// Prints the path of a usable SeaweedFS (weed) binary, building the pinned version if needed.
// Used by ./ringback before the tests and the cluster profiles, so a slow first build is visible on its own.
import { fileURLToPath } from "node:url";
import { ensureSeaweedfsBinary } from "./seaweedfs";

const repoRoot = process.argv[2] ?? fileURLToPath(new URL("../../", import.meta.url));
try {
  const binary = await ensureSeaweedfsBinary(repoRoot, (line) => console.error(line));
  console.log(binary);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
