import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { refreshQueries } from "./refresh-queries";

/**
 * A count on a server that a change sets to 0 while the page's first read of it is still in flight,
 * like the missed-call badge and the Calls page's "mark seen".
 */
async function raceFirstFetch(refresh: (client: QueryClient) => Promise<void>) {
  let server = 1;
  let fetches = 0;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 0 } } });
  const observer = new QueryObserver(client, {
    queryKey: ["missedCount"],
    queryFn: async () => {
      fetches += 1;
      const read = server; // read at the start, answered later: the reply is as old as the read
      await new Promise((r) => setTimeout(r, 50));
      return read;
    },
  });
  const unsubscribe = observer.subscribe(() => {});
  await new Promise((r) => setTimeout(r, 5));
  server = 0; // the change commits while the first read is still on its way back
  await refresh(client);
  await new Promise((r) => setTimeout(r, 120));
  const data = client.getQueryData<number>(["missedCount"]);
  unsubscribe();
  client.clear();
  return { data, fetches };
}

describe("refreshQueries", () => {
  it("fetches again when the first fetch started before the change, so the fresh value wins", async () => {
    const { data, fetches } = await raceFirstFetch((client) => refreshQueries(client, [["missedCount"]]));
    expect(fetches).toBe(2);
    expect(data).toBe(0);
  });

  it("is needed: a plain invalidation joins the stale first fetch and keeps its value", async () => {
    const { data, fetches } = await raceFirstFetch((client) => client.invalidateQueries({ queryKey: ["missedCount"] }));
    expect(fetches).toBe(1);
    expect(data).toBe(1);
  });
});
