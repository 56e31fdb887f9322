"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, type ReactNode } from "react";
import { useTRPC } from "~/trpc/react";
import { isRingingForMe, newerCall, type CallView } from "./types";

type RingsState = { rings: ReadonlyArray<CallView>; gone: ReadonlySet<string> };
type RingsAction = { type: "seen"; call: CallView; fromSnapshot?: boolean } | { type: "dismiss"; callId: string };

function ringsReducer(state: RingsState, action: RingsAction): RingsState {
  if (action.type === "dismiss") {
    const gone = new Set(state.gone).add(action.callId);
    return { rings: state.rings.filter((c) => c.id !== action.callId), gone };
  }
  const { call } = action;
  // A ring that ended (here or in another tab) never comes back from an older snapshot.
  if (state.gone.has(call.id)) return state;
  if (isRingingForMe(call)) {
    const exists = state.rings.some((c) => c.id === call.id);
    return { ...state, rings: exists ? state.rings.map((c) => (c.id === call.id ? call : c)) : [...state.rings, call] };
  }
  // The snapshot only lists live rings; an event saying otherwise means the ring is over.
  if (action.fromSnapshot) return state;
  const gone = new Set(state.gone).add(call.id);
  return { rings: state.rings.filter((c) => c.id !== call.id), gone };
}

type CallEventsValue = {
  /** Calls ringing for me right now, oldest first. */
  rings: ReadonlyArray<CallView>;
  /** Hide a ring in this tab at once (after accepting or declining here). */
  dismissRing: (callId: string) => void;
  /** "pending" once the event stream is open; anything else means events may be late. */
  streamStatus: "idle" | "connecting" | "pending" | "error";
};

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
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(ringsReducer, { rings: [], gone: new Set<string>() });

  // Events only carry rings that start after we subscribe; this covers a page opened mid-ring.
  const ringing = useQuery({ ...trpc.calls.ringing.queryOptions(), staleTime: 0 });
  useEffect(() => {
    for (const call of ringing.data ?? []) dispatch({ type: "seen", call, fromSnapshot: true });
  }, [ringing.data]);

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
        onData: ({ data }) => {
          switch (data.type) {
            case "incoming-call":
            case "call-updated": {
              const call = asCallView(data.payload);
              if (!call) return;
              remember(call);
              dispatch({ type: "seen", call });
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
    () => ({ rings: state.rings, dismissRing, streamStatus: subscription.status }),
    [state.rings, dismissRing, subscription.status],
  );
  return <CallEventsContext.Provider value={value}>{children}</CallEventsContext.Provider>;
}

export function useCallEvents(): CallEventsValue {
  const value = useContext(CallEventsContext);
  if (!value) throw new Error("useCallEvents must be used inside <CallEventsProvider>");
  return value;
}
