import fc from "fast-check";

/**
 * fast-check arbitraries derived from zod 4 schemas (zod-fast-check only reads zod 3). It reads the
 * schema's own definition (`_zod.def`: type, checks, formats, inner types), so values follow every
 * declared shape and bound; refinements (`.refine`) cannot be read and are left to chance. A type
 * it has no rule for throws, naming where: a fuzz test must not skip an input silently.
 */

/** The parts of a zod 4 definition read here; everything else is ignored. */
type Def = { type: string; [key: string]: unknown };
type CheckDef = { check: string; [key: string]: unknown };

export type DeriveOptions = {
  /** ids worth hitting (the caller's own, other people's, real calls) mixed into every uuid field */
  knownIds: readonly string[];
  /** longest string generated from a schema's own bounds (hostile long strings come separately) */
  maxStringLength?: number;
  /** wraps every leaf (string, number, boolean, enum) arbitrary, e.g. to mix hostile values in */
  leaf?: (valid: fc.Arbitrary<unknown>, kind: LeafKind) => fc.Arbitrary<unknown>;
};

export type LeafKind = "string" | "number" | "boolean" | "enum";

// dates Postgres and JavaScript agree on; the out-of-range ones are among the hostile values
const EARLIEST = new Date("0001-01-01T00:00:00.000Z");
const LATEST = new Date("9999-12-31T23:59:59.999Z");

function defOf(schema: unknown, where: string): Def {
  const zod = (schema as { _zod?: { def?: unknown } } | null)?._zod;
  const def = zod?.def as Partial<Def> | undefined;
  if (!def || typeof def.type !== "string") throw new Error(`zod-arbitrary: ${where} is not a zod 4 schema`);
  return def as Def;
}

function checksOf(def: Def): CheckDef[] {
  const checks = Array.isArray(def.checks) ? (def.checks as unknown[]) : [];
  return checks.map((c) => (c as { _zod: { def: CheckDef } })._zod.def);
}

function num(value: unknown): number | undefined {
  return typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : undefined;
}

/** Declared length bounds (min_length, max_length, length_equals) of a string or array. */
function lengthBounds(def: Def): { min: number; max: number | undefined } {
  let min = 0;
  let max: number | undefined;
  for (const c of checksOf(def)) {
    if (c.check === "min_length") min = Math.max(min, num(c.minimum) ?? 0);
    if (c.check === "max_length") max = Math.min(max ?? Infinity, num(c.maximum) ?? Infinity);
    if (c.check === "length_equals") min = max = num(c.length) ?? 0;
  }
  return { min, max };
}

function uuidArbitrary(opts: DeriveOptions): fc.Arbitrary<string> {
  const known = opts.knownIds.length > 0 ? [fc.constantFrom(...opts.knownIds), fc.constantFrom(...opts.knownIds).map((id) => id.toUpperCase())] : [];
  return fc.oneof(fc.uuid(), ...known);
}

function emailArbitrary(pattern: unknown): fc.Arbitrary<string> {
  // zod's own pattern is narrower than RFC 5322 (fast-check's emailAddress): follow it when known
  const word = fc.stringMatching(/^[a-z0-9]{1,12}$/);
  const simple = fc.tuple(word, word).map(([a, b]) => `${a}@${b}.example.com`);
  return pattern instanceof RegExp ? fc.oneof(simple, fc.stringMatching(pattern)) : fc.oneof(simple, fc.emailAddress());
}

function stringArbitrary(def: Def, opts: DeriveOptions): fc.Arbitrary<string> {
  // a format lives on the schema itself (z.email(), z.uuid()) or on a check (z.string().regex())
  const formatted = [def as CheckDef | Def, ...checksOf(def)].find((d) => typeof d.format === "string");
  const format = formatted?.format;
  if (format === "uuid" || format === "guid") return uuidArbitrary(opts);
  if (format === "email") return emailArbitrary(formatted?.pattern);
  if (format === "datetime") return fc.date({ min: EARLIEST, max: LATEST, noInvalidDate: true }).map((d) => d.toISOString());
  if (formatted?.pattern instanceof RegExp) return fc.stringMatching(formatted.pattern);
  if (formatted) throw new Error(`zod-arbitrary: no rule for string format "${String(format)}"`);

  const { min, max } = lengthBounds(def);
  const cap = opts.maxStringLength ?? 200;
  const maxLength = Math.max(min, Math.min(max ?? cap, cap));
  const bounds = { minLength: min, maxLength };
  // printable text: code points that break parsers come from the hostile values instead, so that
  // most derived inputs get past validation into the procedure itself
  // Short and long: fast-check's default size keeps strings under ~10 characters, which would
  // leave a bound like "at least 8" (passwords) mostly unmet.
  return fc.oneof(
    fc.string({ ...bounds, unit: "grapheme" }),
    fc.string({ ...bounds, unit: "grapheme-ascii", size: "medium" }),
    fc.string({ ...bounds, unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABC0123456789 "), size: "medium" }),
  );
}

function numberArbitrary(def: Def): fc.Arbitrary<number> {
  let min: number | undefined;
  let max: number | undefined;
  let int = false;
  for (const c of checksOf(def)) {
    if (c.check === "number_format" && typeof c.format === "string" && /int/.test(c.format)) int = true;
    if (c.check === "greater_than") min = num(c.value);
    if (c.check === "less_than") max = num(c.value);
  }
  if (int) return fc.integer({ min: min ?? Number.MIN_SAFE_INTEGER, max: max ?? Number.MAX_SAFE_INTEGER });
  return fc.double({ min: min ?? -1e12, max: max ?? 1e12, noNaN: true, noDefaultInfinity: true });
}

/** Drops keys whose value came out undefined, as a JSON body would. */
function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** An arbitrary of values shaped like `schema` accepts, for every type our procedure inputs use. */
export function arbitraryFor(schema: unknown, opts: DeriveOptions, where = "input"): fc.Arbitrary<unknown> {
  const def = defOf(schema, where);
  const inner = (key: string, sub = where) => arbitraryFor(def[key], opts, sub);
  const leaf = (valid: fc.Arbitrary<unknown>, kind: LeafKind) => (opts.leaf ? opts.leaf(valid, kind) : valid);
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, unknown>;
      const fields = Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, arbitraryFor(value, opts, `${where}.${key}`)]));
      return fc.record(fields).map(withoutUndefined);
    }
    case "string":
      return leaf(stringArbitrary(def, opts), "string");
    case "number":
      return leaf(numberArbitrary(def), "number");
    case "boolean":
      return leaf(fc.boolean(), "boolean");
    case "enum":
      return leaf(fc.constantFrom(...Object.values(def.entries as Record<string, string | number>)), "enum");
    case "literal":
      return leaf(fc.constantFrom(...(def.values as unknown[])), "enum");
    case "array": {
      const { min, max } = lengthBounds(def);
      return fc.array(inner("element", `${where}[]`), { minLength: min, maxLength: Math.max(min, Math.min(max ?? 10, 10)) });
    }
    case "tuple":
      return fc.tuple(...(def.items as unknown[]).map((item, i) => arbitraryFor(item, opts, `${where}[${i}]`)));
    case "record":
      return fc.dictionary(fc.string({ maxLength: 10 }), inner("valueType", `${where}{}`), { maxKeys: 5 });
    case "union":
      return fc.oneof(...(def.options as unknown[]).map((option, i) => arbitraryFor(option, opts, `${where}|${i}`)));
    case "optional":
    case "default":
    case "prefault":
      return fc.option(inner("innerType"), { nil: undefined });
    case "nullable":
      return fc.option(inner("innerType"), { nil: null });
    case "readonly":
    case "catch":
    case "nonoptional":
      return inner("innerType");
    case "pipe": {
      // `.transform()` is a pipe into a transform: only the input side says what may be sent. Any
      // other pipe (trim, then check as an email) is best fed what its output side accepts.
      const out = defOf(def.out, where);
      return out.type === "transform" ? inner("in") : fc.oneof({ weight: 4, arbitrary: inner("out") }, { weight: 1, arbitrary: inner("in") });
    }
    case "any":
    case "unknown":
    case "transform":
      return fc.jsonValue({ maxDepth: 3 });
    case "null":
      return fc.constant(null);
    case "undefined":
    case "void":
      return fc.constant(undefined);
    default:
      throw new Error(`zod-arbitrary: no rule for zod type "${def.type}" at ${where}; add one to apps/api/src/testing/zod-arbitrary.ts`);
  }
}
