import fc from "fast-check";

/**
 * Values an outside client can send that no form would: the ones that found 500s here before
 * (NUL, dates Postgres cannot read) and the usual suspects for parsers, databases and JSON walkers.
 */

function nested(depth: number, leaf: unknown, wrap: (inner: unknown) => unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "Ann\u0000Lee",
  "%00",
  "\ud800",
  "Lee\udfff",
  "\u202eevil",
  "\u2066x\u2069",
  "\u200b",
  "\u3164",
  "\u0085",
  "\u001b[2J",
  "\r\n\r\nHTTP/1.1 200 OK",
  "%",
  "_",
  "\\",
  "'; DROP TABLE users; --",
  "<script>alert(1)</script>",
  "${7*7}{{7*7}}",
  "__proto__",
  "constructor",
  "😀".repeat(70),
  "e\u0301".repeat(70),
  "x".repeat(101),
  "x".repeat(5_000),
  // dates: year 0, year 10000 by way of an offset, six-digit and negative years, no such day
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:59-23:59",
  "+010000-01-01T00:00:00.000Z",
  "-000001-01-01T00:00:00Z",
  "2025-02-30T00:00:00Z",
  "1970-01-01T00:00:00Z",
  // ids: nil, max, not quite, upper case, with braces
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "6f9619ff-8b86-4d11-b42d-00c04fc964f",
  "{6F9619FF-8B86-4D11-B42D-00C04FC964FF}",
  // numbers as text
  "-1",
  "1e309",
  "99999999999999999999999",
  "NaN",
];

export const HOSTILE_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  -0,
  0.5,
  2 ** 53,
  -(2 ** 63),
  1e308,
  -1e308,
  [],
  {},
  [null],
  JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
  Array.from({ length: 5_000 }, (_, i) => i),
  nested(2_000, "deep", (inner) => [inner]),
  nested(2_000, "deep", (inner) => ({ a: inner })),
];

/**
 * One of each kind of trouble, for the sweep that puts every one of them into every field of a
 * valid input: the kinds that broke things here before are certain to be tried, not left to chance.
 */
export const SWEEP_VALUES: readonly unknown[] = [
  "\u0000",
  "Ann\u0000Lee",
  "\u001b[2J",
  "Ann\u0085Lee",
  "\ud800",
  "\u202eevil",
  "\u200b",
  "'; DROP TABLE users; --",
  "%_\\",
  "x".repeat(5_000),
  "😀".repeat(70),
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:59-23:59",
  "+010000-01-01T00:00:00.000Z",
  "00000000-0000-0000-0000-000000000000",
  "99999999999999999999999",
  "",
  null,
  true,
  -1,
  0.5,
  -(2 ** 63),
  1e308,
  [],
  {},
  nested(1_000, "deep", (inner) => ({ a: inner })),
];

const hostileNumbers = fc.constantFrom<unknown>(-1, 0, -0, 0.5, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, -1e308, "1", null);

/** A leaf hook for the schema deriver: now and then a hostile value of roughly the leaf's kind. */
export function withHostileLeaves(valid: fc.Arbitrary<unknown>, kind: "string" | "number" | "boolean" | "enum"): fc.Arbitrary<unknown> {
  const bad = kind === "string" ? fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: "binary", maxLength: 20 })) : kind === "number" ? hostileNumbers : hostileValue;
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: bad });
}

/** Any single hostile value, a string or not. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
);

/** Every path to a value inside `value` (objects and arrays), the root included as []. */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []) {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

export type Path = Array<string | number>;

/** Paths to every leaf (not an object or array) inside `value`, and to every array. */
export function leafPaths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) {
    out.push(prefix);
    value.forEach((v, i) => leafPaths(v, [...prefix, i], out));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) leafPaths(v, [...prefix, k], out);
  } else {
    out.push(prefix);
  }
  return out;
}

/** `value` with the part at `path` replaced (copied, never mutated). */
export function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? setAt(v, rest, replacement) : v));
  if (value && typeof value === "object") return { ...value, [head]: setAt((value as Record<string, unknown>)[head], rest, replacement) };
  return replacement;
}

/**
 * A valid-shaped value with one part broken: one field (or the whole) replaced by a hostile value,
 * a field dropped, or keys nobody declared added.
 */
export function corrupt(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(valid, hostileValue, fc.nat()).map(([value, bad, n]) => {
        const paths = pathsOf(value);
        return setAt(value, paths[n % paths.length] ?? [], bad);
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, fc.nat()).map(([value, n]) => {
        if (!value || typeof value !== "object" || Array.isArray(value)) return value;
        const keys = Object.keys(value);
        const drop = keys[n % Math.max(keys.length, 1)];
        return Object.fromEntries(Object.entries(value).filter(([k]) => k !== drop));
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, fc.constantFrom("__proto__", "constructor", "prototype", "userId", "id", "extra"), hostileValue).map(
        ([value, key, bad]) => (value && typeof value === "object" && !Array.isArray(value) ? { ...value, [key]: bad } : value),
      ),
    },
  );
}
