import { Loader2, WifiOff } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "./button";
import { cn } from "./cn";

/** The part of a TanStack Query result this component reads (plain or infinite query). */
export type QueryLike<T> = {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch?: () => unknown;
  /** "paused": waiting for the connection to come back (TanStack Query pauses fetches while offline). */
  fetchStatus?: "fetching" | "paused" | "idle";
};

export type QueryStateProps<T> = {
  query: QueryLike<T>;
  /** What shows while loading; defaults to a spinner with `loadingLabel`. */
  loading?: ReactNode;
  loadingLabel?: string;
  /** The sentence a person reads when the query failed. */
  errorText: (error: unknown) => string;
  /** Offer "Try again" on failure (needs `query.refetch`). */
  retry?: boolean;
  /** True when there is nothing to list; `empty` then shows instead of the children. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  /** What shows when it cannot load because the device is offline; it loads by itself once back online. */
  offlineText?: string;
  /** Classes for the built-in loading and error blocks (spacing differs between a card and a form). */
  className?: string;
  children: (data: T) => ReactNode;
};

/**
 * Loading, failed, empty or the data: the four states every list in the app goes through, in one
 * place so they look and read the same everywhere (and a failure is announced as an alert). A fetch
 * that waits for the connection says so instead of spinning forever.
 */
export function QueryState<T>({
  query,
  loading,
  loadingLabel = "Loading…",
  errorText,
  offlineText = "You’re offline. This will load when you’re back online.",
  retry = false,
  isEmpty,
  empty = null,
  className,
  children,
}: QueryStateProps<T>) {
  if (query.isError) {
    const refetch = query.refetch;
    return (
      <div role="alert" className={cn("flex flex-col items-start gap-3 px-5 py-6 text-sm", className)}>
        <p className="text-destructive">{errorText(query.error)}</p>
        {retry && refetch ? (
          <Button variant="outline" size="sm" onClick={() => void refetch()}>
            Try again
          </Button>
        ) : null}
      </div>
    );
  }
  if (query.isPending && query.fetchStatus === "paused") {
    return (
      <p className={cn("flex items-center gap-2 px-5 py-6 text-sm text-muted-foreground", className)}>
        <WifiOff className="size-4 shrink-0" aria-hidden="true" /> {offlineText}
      </p>
    );
  }
  // A settled query always has data; checking it too spares callers a non-null assertion.
  if (query.isPending || query.data === undefined) return <>{loading ?? <QueryLoading label={loadingLabel} className={className} />}</>;
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}

/** The default "still loading" line, also for callers that wait on something besides the query. */
export function QueryLoading({ label = "Loading…", className }: { label?: string; className?: string }) {
  return (
    <p role="status" className={cn("flex items-center gap-2 px-5 py-6 text-sm text-muted-foreground", className)}>
      <Loader2 className="size-4 animate-spin" aria-hidden="true" /> {label}
    </p>
  );
}
