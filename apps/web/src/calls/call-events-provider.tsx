"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, type ReactNode } from "react";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { isRingingForMe, myRingDeadline, newerCall, type CallView } from "./types";

/** A ring and the number of the last event applied to it (`asOf` of a snapshot, if that came later). */
type Ring = { call: CallView; seq: number };
type RingsState = { rings: ReadonlyArray<Ring>; gone: ReadonlySet<string> };
type RingsAction =
  | { type: "event"; call: CallView; seq: number; now: number }
  | { type: "snapshot"; calls: ReadonlyArray<CallView>; asOf: number; now: number }
  | { type: "expire"; now: number }
  | { type: "dismiss"; callId: string };

function ringsReducer(state: RingsState, action: RingsAction): RingsState {
  switch (action.type) {
    case "dismiss": {
      const gone = new Set(state.gone).add(action.callId);
      return { rings: state.rings.filter((r) => r.call.id !== action.callId), gone };
    }
    case "expire": {
      // Always a new list, so a timer that fired a moment early is set again.
      return { ...state, rings: state.rings.filter((r) => isRingingForMe(r.call, action.now)) };
    }
    case "event": {
      const { call, seq } = action;
      // A ring that ended (here or in another tab) never comes back.
      if (state.gone.has(call.id)) return state;
      if (isRingingForMe(call, action.now)) {
        const exists = state.rings.some((r) => r.call.id === call.id);
        const ring = { call, seq };
        return { ...state, rings: exists ? state.rings.map((r) => (r.call.id === call.id ? ring : r)) : [...state.rings, ring] };
      }
      const gone = new Set(state.gone).add(call.id);
      return { rings: state.rings.filter((r) => r.call.id !== call.id), gone };
    }
    case "snapshot": {
      // The snapshot is the truth about every ring whose last event came before it was requested;
      // a ring an event touched since then may be newer than the snapshot, so it stays as it is.
      const { asOf, now } = action;
      const listed = new Map(action.calls.filter((c) => isRingingForMe(c, now) && !state.gone.has(c.id)).map((c) => [c.id, c]));
      const rings: Ring[] = [];
      for (const ring of state.rings) {
        const fresh = listed.get(ring.call.id);
        listed.delete(ring.call.id);
        if (ring.seq > asOf) rings.push(ring);
        else if (fresh) rings.push({ call: fresh, seq: asOf });
      }
      for (const call of listed.values()) rings.push({ call, seq: asOf });
      return { ...state, rings };
    }
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}

type CallEventsValue = {
  /** Calls ringing for me right now, oldest first. */
  rings: ReadonlyArray<CallView>;
  /** Hide a ring in this tab at once (after accepting or declining here). */
  dismissRing: (callId: string) => void;
  /** "pending" once the event stream is open; anything else means events may be late. */
  streamStatus: "idle" | "connecting" | "pending" | "error";
};

const RINGING_SNAPSHOT_KEY = ["calls", "ringing-snapshot"] as const;

const CallEventsContext = createContext<CallEventsValue | null>(null);

function asCallView(payload: Record<string, unknown>): CallView | null {
  const call = payload.call as CallView | undefined;
  return call && typeof call === "object" && typeof call.id === "string" ? call : null;
}

/**
 * The one realtime subscription of a signed-in tab. Rings and call changes land in the query cache
 * (calls.get) and in the rings list; history and the missed badge are refreshed on every change.
 */
export function CallEventsProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(ringsReducer, { rings: [], gone: new Set<string>() });
  // Counts applied events, so a snapshot can tell which rings changed after it was requested.
  const eventSeq = useRef(0);

  // Events only carry rings stored after the stream opens; this covers a page opened mid-ring and
  // (refetched each time the stream starts) a ring stored between this request and the subscription.
  const ringing = useQuery({
    queryKey: RINGING_SNAPSHOT_KEY,
    queryFn: async () => {
      const asOf = eventSeq.current;
      return { asOf, calls: await client.calls.ringing.query() };
    },
    staleTime: 0,
  });
  useEffect(() => {
    if (ringing.data) dispatch({ type: "snapshot", calls: ringing.data.calls, asOf: ringing.data.asOf, now: Date.now() });
  }, [ringing.data]);

  // Stop each ring at its deadline even if the event that ends it never comes.
  useEffect(() => {
    const deadlines = state.rings.flatMap((r) => myRingDeadline(r.call) ?? []);
    if (deadlines.length === 0) return;
    const timer = window.setTimeout(() => dispatch({ type: "expire", now: Date.now() }), Math.max(0, Math.min(...deadlines) - Date.now()));
    return () => window.clearTimeout(timer);
  }, [state.rings]);

  const remember = useCallback(
    (call: CallView) => {
      queryClient.setQueryData(trpc.calls.get.queryKey({ callId: call.id }), (prev: CallView | undefined) => newerCall(prev, call));
    },
    [queryClient, trpc],
  );

  const refreshLists = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.calls.history.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.calls.missedCount.pathKey() });
  }, [queryClient, trpc]);

  const subscription = useSubscription(
    // lastEventId null: start from now. The link resends the last tracked id itself on reconnect.
    trpc.events.subscribe.subscriptionOptions(
      { lastEventId: null },
      {
        // Also on every reconnect: rings may have started or ended while the stream was down.
        onStarted: () => void ringing.refetch(),
        onData: ({ data }) => {
          switch (data.type) {
            case "incoming-call":
            case "call-updated": {
              const call = asCallView(data.payload);
              if (!call) return;
              remember(call);
              eventSeq.current += 1;
              dispatch({ type: "event", call, seq: eventSeq.current, now: Date.now() });
              refreshLists();
              return;
            }
            case "missed-seen":
              void queryClient.invalidateQueries({ queryKey: trpc.calls.missedCount.pathKey() });
              return;
            default:
              return;
          }
        },
      },
    ),
  );

  const dismissRing = useCallback((callId: string) => dispatch({ type: "dismiss", callId }), []);
  const value = useMemo<CallEventsValue>(
    () => ({ rings: state.rings.map((r) => r.call), dismissRing, streamStatus: subscription.status }),
    [state.rings, dismissRing, subscription.status],
  );
  return <CallEventsContext.Provider value={value}>{children}</CallEventsContext.Provider>;
}

export function useCallEvents(): CallEventsValue {
  const value = useContext(CallEventsContext);
  if (!value) throw new Error("useCallEvents must be used inside <CallEventsProvider>");
  return value;
}
