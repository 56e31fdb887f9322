// Preloaded into a benchmarked API process (`node --expose-gc --import ./scripts/bench/memory-probe.mjs …`):
// on SIGUSR2 it collects garbage and writes process.memoryUsage() to MEMORY_PROBE_FILE, so a bench can
// tell heap from external memory and array buffers without touching the API's code. With
// MEMORY_PROBE_SNAPSHOT set it also writes a heap snapshot there (see heap-summary.ts).
import { writeFileSync } from "node:fs";
import { writeHeapSnapshot } from "node:v8";

process.on("SIGUSR2", () => {
  globalThis.gc?.();
  const snapshot = process.env.MEMORY_PROBE_SNAPSHOT;
  if (snapshot) writeHeapSnapshot(snapshot);
  const file = process.env.MEMORY_PROBE_FILE;
  if (file) writeFileSync(file, JSON.stringify(process.memoryUsage()));
});
