"use client";

import { useQuery } from "@tanstack/react-query";
import { ChevronDown } from "lucide-react";
import { formatBytes, type LibraryKind } from "@ringback/core/library";
import { Avatar } from "@ringback/ui/avatar";
import { cn } from "@ringback/ui/cn";
import { useTRPC } from "~/trpc/react";

const KINDS: ReadonlyArray<{ kind: LibraryKind; label: string; color: string }> = [
  { kind: "live-photo", label: "Live Photos", color: "bg-amber-400" },
  { kind: "recording", label: "Recordings", color: "bg-rose-500" },
  { kind: "saved-message", label: "Saved Messages", color: "bg-primary" },
];

/**
 * "1.2 GB of 5 GB used", a bar split by kind with a legend of the kinds that take room, and what each
 * person's items take (opened on demand). An empty Library just says how much room there is.
 */
export function StorageMeter() {
  const trpc = useTRPC();
  const usage = useQuery({ ...trpc.library.usage.queryOptions(), staleTime: 0 });
  if (!usage.data) return <div aria-hidden="true" className="mb-5 h-[74px] rounded-2xl border border-border bg-card/60" />;
  const { usedBytes, quotaBytes, byKind, byPerson } = usage.data;
  const share = (bytes: number) => (quotaBytes > 0 ? Math.min(100, (bytes / quotaBytes) * 100) : 0);
  const nearlyFull = usedBytes >= quotaBytes * 0.9;
  const kinds = KINDS.filter((k) => byKind[k.kind] > 0);

  if (usedBytes <= 0) {
    return (
      <section aria-label="Storage" className="mb-5 rounded-2xl border border-border bg-card px-4 py-3.5 shadow-xs sm:px-5">
        <p className="text-sm font-medium">{formatBytes(quotaBytes)} available</p>
      </section>
    );
  }

  return (
    <section aria-label="Storage" className="mb-5 rounded-2xl border border-border bg-card px-4 py-3.5 shadow-xs sm:px-5">
      <div className="flex items-baseline justify-between gap-3">
        <p className="text-sm font-medium">
          <span className={cn(nearlyFull && "text-destructive")}>
            {formatBytes(usedBytes)} of {formatBytes(quotaBytes)} used
          </span>
        </p>
        {nearlyFull ? <p className="text-xs text-destructive">Delete something to make room</p> : null}
      </div>
      <div
        role="meter"
        aria-label="Library storage"
        aria-valuemin={0}
        aria-valuemax={quotaBytes}
        aria-valuenow={Math.min(usedBytes, quotaBytes)}
        aria-valuetext={`${formatBytes(usedBytes)} of ${formatBytes(quotaBytes)} used`}
        className="mt-2 flex h-2 overflow-hidden rounded-full bg-muted"
      >
        {kinds.map((k) => (
          <span key={k.kind} className={cn("h-full min-w-[3px]", k.color)} style={{ width: `${share(byKind[k.kind])}%` }} />
        ))}
      </div>
      <ul aria-label="Storage by kind" className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-muted-foreground">
        {kinds.map((k) => (
          <li key={k.kind} className="inline-flex items-center gap-1.5">
            <span className={cn("size-2 rounded-full", k.color)} aria-hidden="true" />
            {k.label} {formatBytes(byKind[k.kind])}
          </li>
        ))}
      </ul>
      {byPerson.length > 0 ? (
        <details className="group mt-1.5">
          <summary className="inline-flex cursor-pointer list-none items-center gap-0.5 rounded text-xs font-medium text-primary outline-none select-none focus-visible:ring-2 focus-visible:ring-ring/50 [&::-webkit-details-marker]:hidden">
            By person
            <ChevronDown className="size-3.5 transition-transform group-open:rotate-180" aria-hidden="true" />
          </summary>
          <ul className="mt-3 flex flex-col gap-2 border-t border-border pt-3" aria-label="Storage by person">
            {byPerson.map((p) => (
              <li key={p.person.id} className="flex items-center gap-3 text-sm">
                <Avatar id={p.person.id} name={p.person.displayName} size="sm" />
                <span className="min-w-0 flex-1 truncate">{p.person.displayName}</span>
                <span className="shrink-0 text-xs text-muted-foreground tabular-nums">
                  {p.count} {p.count === 1 ? "item" : "items"} · {formatBytes(p.bytes)}
                </span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
