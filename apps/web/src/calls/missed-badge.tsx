"use client";

import { useQuery } from "@tanstack/react-query";
import { cn } from "@ringback/ui/cn";
import { useTRPC } from "~/trpc/react";

/**
 * Red count for the Calls tab: missed calls not yet seen plus messages not yet watched (calls.missedCount
 * counts both; message events refresh it). Nothing when there are none.
 */
export function MissedCallsBadge({ className }: { className?: string }) {
  const trpc = useTRPC();
  const missed = useQuery({ ...trpc.calls.missedCount.queryOptions(), staleTime: 0 });
  const count = missed.data?.count ?? 0;
  if (count === 0) return null;
  return (
    <span
      className={cn(
        "inline-flex h-[18px] min-w-[18px] items-center justify-center rounded-full bg-destructive px-1 text-[11px] leading-none font-semibold text-destructive-foreground tabular-nums",
        className,
      )}
    >
      <span aria-hidden="true">{count > 99 ? "99+" : count}</span>
      <span className="sr-only">, {count} missed {count === 1 ? "call or message" : "calls or messages"}</span>
    </span>
  );
}
