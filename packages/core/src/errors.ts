import type { MessageDecision, RingDecision } from "./reachability";

type Refusal<D> = D extends { ok: false; reason: infer R } ? R : never;

/** Every reason a policy can refuse an action with (silent rings are not refusals). */
export type PolicyReason = Refusal<RingDecision> | Refusal<MessageDecision>;

/** What the refused action was; only changes the wording for "self". */
export type PolicyAction = "call" | "message";

const NO_MESSAGE = "You can't leave a message for this person";

/** Maps a policy refusal to the text shown to the person; "blocked" and "not-known" read the same. */
export function publicMessage(reason: PolicyReason, action: PolicyAction = "call"): string {
  switch (reason) {
    case "self":
      return action === "message" ? "You can't leave a message for yourself" : "You can't call yourself";
    case "you-blocked":
      return "You blocked this person. Unblock them to call.";
    case "unavailable":
      return "Unavailable";
    // Same text on purpose: a blocked sender must not learn that they are blocked.
    case "blocked":
    case "not-known":
      return NO_MESSAGE;
    default: {
      const _exhaustive: never = reason;
      return _exhaustive;
    }
  }
}
