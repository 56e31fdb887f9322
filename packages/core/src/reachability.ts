import { sameId } from "./ids";

/** What the recipient's side knows about the caller/sender. */
export type Relationship = {
  recipientBlockedCaller: boolean; // recipient has blocked the caller
  callerBlockedRecipient: boolean; // caller has blocked the recipient
  callerIsRecipientContact: boolean; // caller is in the recipient's contacts
  recipientCalledCaller: boolean; // recipient has placed a call to the caller before
  sharedCall: boolean; // both were participants of some call
};

export type RecipientPrefs = { acceptCalls: boolean; silenceUnknownCallers: boolean };

export type RingDecision =
  | { ok: true; mode: "ring" }
  // never rings, but the caller must see exactly what an unanswered ring looks like (same timing)
  | { ok: true; mode: "silent"; reason: "blocked" | "silenced-unknown" }
  | { ok: false; reason: "self" | "unavailable" | "you-blocked" };

export type MessageDecision = { ok: true } | { ok: false; reason: "self" | "blocked" | "not-known" };


/** True when the recipient has a reason to know the caller: a contact, someone they called, or a shared call. */
export function isKnown(rel: Relationship): boolean {
  return rel.callerIsRecipientContact || rel.recipientCalledCaller || rel.sharedCall;
}

/** Decides whether a call from caller to recipient rings, rings silently, or is refused (and why). */
export function decideRing(input: {
  callerId: string;
  recipientId: string;
  rel: Relationship;
  prefs: RecipientPrefs;
}): RingDecision {
  const { callerId, recipientId, rel, prefs } = input;
  if (sameId(callerId, recipientId)) return { ok: false, reason: "self" };
  // The checks before "blocked" depend only on what the caller may already know (their own block
  // list, the recipient's public availability), so what the caller sees is identical whether or
  // not the recipient blocked them. Checking "blocked" earlier would leak it: a caller who normally
  // gets "you-blocked" or "unavailable" would suddenly see an unanswered ring instead.
  if (rel.callerBlockedRecipient) return { ok: false, reason: "you-blocked" };
  if (!prefs.acceptCalls) return { ok: false, reason: "unavailable" };
  if (rel.recipientBlockedCaller) return { ok: true, mode: "silent", reason: "blocked" };
  if (prefs.silenceUnknownCallers && !isKnown(rel)) {
    return { ok: true, mode: "silent", reason: "silenced-unknown" };
  }
  return { ok: true, mode: "ring" };
}

/** Decides whether the sender may leave the recipient a message; only people the recipient knows may. */
export function decideLeaveMessage(input: {
  senderId: string;
  recipientId: string;
  rel: Relationship;
}): MessageDecision {
  const { senderId, recipientId, rel } = input;
  if (sameId(senderId, recipientId)) return { ok: false, reason: "self" };
  // "blocked" and "not-known" become the same public text, so their order here leaks nothing.
  if (rel.recipientBlockedCaller || rel.callerBlockedRecipient) return { ok: false, reason: "blocked" };
  if (!isKnown(rel)) return { ok: false, reason: "not-known" };
  return { ok: true };
}
