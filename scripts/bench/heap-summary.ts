/**
 * What a heap snapshot holds, by constructor: `pnpm exec tsx scripts/bench/heap-summary.ts <file> [top]`.
 * Used to find where an API process's memory per connection goes (time-to-ring.ts writes one with
 * BENCH_HEAPSNAPSHOT=<file>).
 */
import { readFile } from "node:fs/promises";

type Snapshot = { snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } }; nodes: number[]; strings: string[] };

const [file, top = "40"] = process.argv.slice(2);
if (!file) throw new Error("usage: heap-summary.ts <file.heapsnapshot> [top]");
const snap = JSON.parse(await readFile(file, "utf8")) as Snapshot;
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const width = fields.length;
const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [number, number, number];
const byName = new Map<string, { count: number; size: number }>();
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + typeAt]!]!;
  const name = type === "object" || type === "closure" ? snap.strings[snap.nodes[i + nameAt]!]! : `(${type})`;
  const key = type === "closure" ? `closure ${name}` : name;
  const entry = byName.get(key) ?? { count: 0, size: 0 };
  entry.count++;
  entry.size += snap.nodes[i + sizeAt]!;
  byName.set(key, entry);
}
const rows = [...byName.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, Number(top));
for (const [name, { count, size }] of rows) console.log(`${(size / 1024 / 1024).toFixed(1).padStart(8)} MB ${String(count).padStart(9)}  ${name.slice(0, 100)}`);
