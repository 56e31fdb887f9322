"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, type ReactNode } from "react";
import { parseRealtimeEvent } from "@ringback/core/events";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { noRings, ringsReducer } from "./rings-reducer";
import { myRingDeadline, newerCall, type CallView } from "./types";
import { refreshQueries } from "~/lib/refresh-queries";
import { emitRealtimeEvent } from "./realtime-listeners";
import { CaptureNotices } from "~/live-photos/capture-notices";
import { LiveVoicemailLayer } from "~/messages/live-voicemail";
import { MessageArrivals } from "~/messages/message-events";

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

/**
 * The one realtime subscription of a signed-in tab. Rings and call changes land in the query cache
 * (calls.get) and in the rings list; history and the missed badge are refreshed on every change.
 */
export function CallEventsProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(ringsReducer, noRings);
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
    void refreshQueries(queryClient, [trpc.calls.history.pathKey(), trpc.calls.missedCount.pathKey()]);
  }, [queryClient, trpc]);

  const subscription = useSubscription(
    // lastEventId null: start from now. The link resends the last tracked id itself on reconnect.
    trpc.events.subscribe.subscriptionOptions(
      { lastEventId: null },
      {
        // Also on every reconnect: rings may have started or ended while the stream was down.
        onStarted: () => void ringing.refetch(),
        onData: ({ data }) => {
          // The API and this page may be different versions: anything that is not a known event
          // in the expected shape is dropped here instead of reaching the caches half-understood.
          const parsed = parseRealtimeEvent(data);
          if (!parsed.success) return;
          const event = parsed.data;
          emitRealtimeEvent(event);
          switch (event.type) {
            case "incoming-call":
            case "call-updated": {
              const { call } = event.payload;
              remember(call);
              eventSeq.current += 1;
              dispatch({ type: "event", call, seq: eventSeq.current, now: Date.now() });
              refreshLists();
              return;
            }
            case "missed-seen":
              void refreshQueries(queryClient, [trpc.calls.missedCount.pathKey()]);
              return;
            // A message arrived, was watched or deleted: its call's row, the lists of messages
            // (person page, search) and the badge change. Toasts and the open message page react
            // through useRealtimeEvent (MessageArrivals, MessageView).
            case "message-received":
            case "message-changed": {
              const lists = [trpc.calls.history.pathKey(), trpc.calls.missedCount.pathKey(), trpc.messages.list.pathKey(), trpc.messages.search.pathKey()];
              // a sender's open page shows "Watched" (a deleted one is handled by the page itself)
              if (event.type === "message-changed" && event.payload.change === "seen") lists.push(trpc.messages.get.pathKey());
              void refreshQueries(queryClient, lists);
              return;
            }
            // handled by the Live Voicemail card (and the caller's voicemail screen) through useRealtimeEvent
            case "voicemail-started":
            case "voicemail-transcript":
            case "voicemail-ended":
            case "voicemail-picked-up":
              return;
            // in-call notices (the call screen) and the subject's toast (CaptureNotices) use useRealtimeEvent
            case "live-photo-taken":
            case "recording-started":
            case "recording-stopped":
            case "capture-consent-changed":
              return;
            case "library-changed":
              void refreshQueries(queryClient, [trpc.library.list.pathKey(), trpc.library.get.pathKey()]);
              return;
            default: {
              const _exhaustive: never = event;
              return _exhaustive;
            }
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
  return (
    <CallEventsContext.Provider value={value}>
      {children}
      {/* everything a recipient is told about messages, on every signed-in page */}
      <MessageArrivals />
      <LiveVoicemailLayer />
      <CaptureNotices />
    </CallEventsContext.Provider>
  );
}

export function useCallEvents(): CallEventsValue {
  const value = useContext(CallEventsContext);
  if (!value) throw new Error("useCallEvents must be used inside <CallEventsProvider>");
  return value;
}
