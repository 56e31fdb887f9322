import { isRingingForMe, type CallView } from "./types";

/*
 * The list of calls ringing for me in this tab, kept from two sources that can arrive in any order:
 * live events and snapshots from `calls.ringing`. Pure, so every ordering can be tested.
 */

/** A ring and the number of the last event applied to it (`asOf` of a snapshot, if that came later). */
export type Ring = { call: CallView; seq: number };
export type RingsState = { rings: ReadonlyArray<Ring>; gone: ReadonlySet<string> };
export type RingsAction =
  /** a call event arrived; `seq` counts events applied in this tab */
  | { type: "event"; call: CallView; seq: number; now: number }
  /** the ringing snapshot, requested when `asOf` events had been applied */
  | { type: "snapshot"; calls: ReadonlyArray<CallView>; asOf: number; now: number }
  /** a ring's deadline may have passed */
  | { type: "expire"; now: number }
  /** accepted or declined here: hide it at once */
  | { type: "dismiss"; callId: string };

export const noRings: RingsState = { rings: [], gone: new Set<string>() };

export function ringsReducer(state: RingsState, action: RingsAction): RingsState {
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
