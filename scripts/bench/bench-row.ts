/**
 * One line of `pnpm bench`'s table. Every bench of issue 10 exports `run(opts): Promise<BenchRow[]>`
 * so scripts/bench/run-all.ts can collect them, and stays runnable alone (printing its own rows).
 */
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

export type BenchRow = {
  metric: string;
  value: number;
  unit: string;
  /** met when `value <op> goal.value` */
  goal?: { op: "<" | ">"; value: number };
  note?: string;
};

export const goalMet = (row: BenchRow): boolean | undefined =>
  row.goal === undefined ? undefined : row.goal.op === "<" ? row.value < row.goal.value : row.value > row.goal.value;

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** The machine is shared: figures mean little without the load they were taken under. */
export const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");

export function printTable(rows: BenchRow[], out: (line: string) => void = console.log): void {
  const body = rows.map((r) => {
    const met = goalMet(r);
    return [
      r.metric,
      `${fmt(r.value)} ${r.unit}`,
      r.goal ? `${r.goal.op} ${fmt(r.goal.value)} ${r.unit}` : "",
      met === undefined ? "" : met ? "yes" : "NO",
      r.note ?? "",
    ];
  });
  const head = ["metric", "value", "goal", "met", "note"];
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  out(line(head));
  out(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const b of body) out(line(b));
  out(`(load average ${loadAverage()})`);
}

/**
 * Runs a bench when its file is the one started (`tsx scripts/bench/x.ts`), not when run-all imports
 * it: prints its table and exits (its helper processes go with it), or prints the error and exits 1.
 */
export function runWhenStarted(moduleUrl: string, rows: () => Promise<BenchRow[]>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(resolve(process.argv[1])).href) return;
  rows().then(
    (result) => {
      printTable(result);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
