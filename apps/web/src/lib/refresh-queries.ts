import type { QueryClient, QueryKey } from "@tanstack/react-query";

/**
 * Fetches queries again after a change, even when their first fetch is still in flight. TanStack Query
 * joins an invalidation to a running fetch of a query that has no data yet instead of restarting it,
 * and that fetch may have read the server before the change: the Calls page's missed badge stayed at 1
 * when the badge's first count raced the page's own "mark seen". Cancelling first makes the refetch real.
 */
export async function refreshQueries(queryClient: QueryClient, keys: ReadonlyArray<QueryKey>): Promise<void> {
  await Promise.all(keys.map((queryKey) => queryClient.cancelQueries({ queryKey })));
  await Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
}
