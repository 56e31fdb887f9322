import { mergeLiveSegments, type LiveSegment } from "@ringback/core/messages";

export type VoicemailCaller = { id: string; displayName: string; handle: string };

/** A voicemail someone is leaving me, as the Live Voicemail card shows it. */
export type LiveVoicemail = {
  messageId: string;
  callId: string | null;
  from: VoicemailCaller;
  startedAt: Date | null;
  segments: LiveSegment[];
  /** live: being left; ended: sent or abandoned (the card says so until closed) */
  phase: "live" | "ended";
  endedReason: "sent" | "abandoned" | null;
};

export type LiveVoicemailState = {
  current: LiveVoicemail | null;
  /** words that arrived for a voicemail this tab has not heard start (opened mid-voicemail) */
  early: { messageId: string; segments: LiveSegment[] } | null;
  /** voicemails this tab is done with: late events for them are ignored */
  closed: ReadonlyArray<string>;
};

export const noLiveVoicemail: LiveVoicemailState = { current: null, early: null, closed: [] };

export type LiveVoicemailAction =
  | { type: "started"; messageId: string; callId: string | null; from: VoicemailCaller; startedAt: Date }
  | { type: "transcript"; messageId: string; segments: LiveSegment[] }
  /** what messages.live answered for a voicemail first heard of through its words */
  | { type: "snapshot"; messageId: string; active: boolean; from: VoicemailCaller; segments: LiveSegment[] }
  | { type: "ended"; messageId: string; reason: "sent" | "picked-up" | "abandoned" }
  | { type: "ready"; messageId: string }
  /** Dismiss, Pick Up, or the ended card's close */
  | { type: "close"; messageId: string };

const CLOSED_KEPT = 20;

function close(state: LiveVoicemailState, messageId: string): LiveVoicemailState {
  return {
    current: state.current?.messageId === messageId ? null : state.current,
    early: state.early?.messageId === messageId ? null : state.early,
    closed: [...state.closed.filter((id) => id !== messageId), messageId].slice(-CLOSED_KEPT),
  };
}

/**
 * The Live Voicemail card's state. Events may come in any order relative to the snapshot a tab
 * fetches when it first hears of a voicemail through its words; segments are merged by id, so a
 * snapshot and the events around it add up to the same words.
 */
export function liveVoicemailReducer(state: LiveVoicemailState, action: LiveVoicemailAction): LiveVoicemailState {
  if (state.closed.includes(action.messageId)) return state;
  const current = state.current?.messageId === action.messageId ? state.current : null;
  switch (action.type) {
    case "started": {
      // a voicemail still being left keeps the card; a finished one gives way to the new one
      if (state.current && !current && state.current.phase === "live") return state;
      const early = state.early?.messageId === action.messageId ? state.early.segments : [];
      return {
        ...state,
        early: state.early?.messageId === action.messageId ? null : state.early,
        current: {
          messageId: action.messageId,
          callId: action.callId,
          from: action.from,
          startedAt: action.startedAt,
          segments: mergeLiveSegments(current?.segments ?? [], early),
          phase: "live",
          endedReason: null,
        },
      };
    }
    case "transcript": {
      if (current) {
        if (current.phase !== "live") return state;
        return { ...state, current: { ...current, segments: mergeLiveSegments(current.segments, action.segments) } };
      }
      const earlier = state.early?.messageId === action.messageId ? state.early.segments : [];
      return { ...state, early: { messageId: action.messageId, segments: mergeLiveSegments(earlier, action.segments) } };
    }
    case "snapshot": {
      if (!action.active) return current ? state : close(state, action.messageId);
      if (state.current && !current && state.current.phase === "live") return state;
      const early = state.early?.messageId === action.messageId ? state.early.segments : [];
      const merged = mergeLiveSegments(mergeLiveSegments(action.segments, early), current?.segments ?? []);
      return {
        ...state,
        early: state.early?.messageId === action.messageId ? null : state.early,
        current: current
          ? { ...current, segments: merged }
          : { messageId: action.messageId, callId: null, from: action.from, startedAt: null, segments: merged, phase: "live", endedReason: null },
      };
    }
    case "ended": {
      if (action.reason === "picked-up" || !current) return close(state, action.messageId);
      return { ...state, current: { ...current, phase: "ended", endedReason: action.reason } };
    }
    // the sent voicemail is a message now: its toast (with Listen) takes over from the card
    case "ready":
      return current && current.phase === "ended" ? close(state, action.messageId) : state;
    case "close":
      return close(state, action.messageId);
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}

/** True when a transcript event is for a voicemail this tab knows nothing about yet (fetch messages.live). */
export function needsSnapshot(state: LiveVoicemailState, messageId: string): boolean {
  return !state.closed.includes(messageId) && state.current?.messageId !== messageId;
}
