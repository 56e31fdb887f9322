import { z } from "zod";

// Unicode classes the text rules below are made of. With the `u` flag a surrogate pair is one code
// point, so \p{Surrogate} only ever matches a lone half: text that has no faithful UTF-8 form.
const LONE_SURROGATE = /\p{Surrogate}/u;
// C0, DEL and C1. Tabs and line breaks are collapsed into spaces first, so what is left is never
// meaningful in a single line (NUL is also what Postgres refuses outright).
const CONTROL = /\p{Cc}/u;
// Embeddings, overrides and isolates reorder the text around them ("Trojan Source"): a name could
// render as someone else's or spill its direction into the rest of the page.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
const WHITESPACE_RUN = /\s+/gu;
// Something that draws ink: not a mark on its own, not a space, not a default-ignorable or format
// character (zero-width space/joiners, Hangul fillers, variation selectors), not the braille blank.
const VISIBLE = /[^\p{Default_Ignorable_Code_Point}\p{Cf}\p{M}\p{Z}\u2800]/u;

/** Collapses every run of whitespace (tabs, line breaks, no-break spaces) to one space and trims. */
export function collapseWhitespace(value: string): string {
  return value.replace(WHITESPACE_RUN, " ").trim();
}

/** True when the text would show at least one visible character. */
export function hasVisibleCharacter(value: string): boolean {
  return VISIBLE.test(value);
}

export type SingleLineTextRules = {
  /** how the field is named in messages: "Display name", "Search" */
  label: string;
  min: number;
  max: number;
  /** for a missing value, a non-string and a too-short one */
  tooShort: string;
  tooLong: string;
};

/**
 * A person-facing single line of text (names, search queries): refuses lone surrogates, control and
 * bidi-control characters and invisible-only text with one readable message each, and normalises
 * what it accepts (whitespace runs collapsed, trimmed, NFC) before the length is counted.
 * Stays a ZodString, so its checks remain readable by tools that walk schemas.
 */
export function singleLineText(rules: SingleLineTextRules) {
  const { label } = rules;
  return (
    z
      .string({ error: rules.tooShort })
      // each rule aborts: one failure, one message, and no later rule sees text an earlier one refused
      .refine((v) => !LONE_SURROGATE.test(v), { error: `${label} contains an invalid character`, abort: true })
      .overwrite(collapseWhitespace)
      .refine((v) => !CONTROL.test(v), { error: `${label} can't contain control characters`, abort: true })
      .refine((v) => !BIDI_CONTROL.test(v), { error: `${label} can't contain text-direction controls`, abort: true })
      .normalize("NFC")
      .min(rules.min, { error: rules.tooShort, abort: true })
      .max(rules.max, { error: rules.tooLong, abort: true })
      .refine(hasVisibleCharacter, { error: `${label} must include a visible character`, abort: true })
  );
}

/**
 * Makes text we do not control (a name from GitHub or Google) fit the display-name rules instead of
 * refusing it: a sign-in must not fail over the provider's idea of a name. Null when nothing visible
 * is left.
 */
export function cleanExternalName(raw: string, max: number): string | null {
  const cleaned = collapseWhitespace(
    Array.from(raw)
      .filter((ch) => !LONE_SURROGATE.test(ch) && !BIDI_CONTROL.test(ch) && !(CONTROL.test(ch) && !/\s/u.test(ch)))
      .join(""),
  ).normalize("NFC");
  // cut at a code point boundary so an emoji is never split into a lone surrogate
  let out = "";
  for (const ch of cleaned) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  out = out.trim();
  return hasVisibleCharacter(out) ? out : null;
}

// Postgres stores timestamps from 4713 BC, but it reads neither year 0 (JavaScript's 1 BC, written
// "0000") nor the six-digit years JavaScript writes beyond 9999: only four-digit years AD round-trip.
const EARLIEST_INSTANT = Date.parse("0001-01-01T00:00:00.000Z");
const LATEST_INSTANT = Date.parse("9999-12-31T23:59:59.999Z");

/** True for a parseable instant with a four-digit year AD in UTC. */
export function isStorableInstant(value: string): boolean {
  const t = Date.parse(value);
  return Number.isFinite(t) && t >= EARLIEST_INSTANT && t <= LATEST_INSTANT;
}

/**
 * An ISO 8601 instant with an offset that the database can store. "9999-12-31T23:59:59-01:00" is a
 * well-formed string for a moment in the year 10000, so the range is checked after the format.
 */
export function instantSchema(message: string) {
  return z.iso
    .datetime({ offset: true, error: message, abort: true })
    .refine(isStorableInstant, { error: message, abort: true });
}
