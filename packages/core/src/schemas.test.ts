import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  answerInput,
  callIdSchema,
  callKindSchema,
  callRefInput,
  displayNameSchema,
  emailSchema,
  eventsInput,
  favoriteInput,
  handleSchema,
  historyInput,
  passwordSchema,
  clientAddressSchema,
  providerAccountIdSchema,
  providerNameSchema,
  searchInput,
  signInInput,
  signUpInput,
  startCallInput,
  userIdSchema,
  userRefInput,
} from "./schemas";

const ID_A = "6f9619ff-8b86-4d11-b42d-00c04fc964ff";
const ID_B = "0b3c2a8e-4a5f-4f3e-9c1d-2e7f6a5b4c3d";
const ids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);

/** The messages a person would see for this input; empty when it parses. */
function messages(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

describe("emailSchema", () => {
  const msg = "Enter a valid email address";
  it("trims and lowercases", () => {
    expect(emailSchema.parse("  Ann@Example.COM ")).toBe("ann@example.com");
  });
  it.each([["not-an-email"], ["a@b"], [""], ["   "], [42], [null]])("rejects %j with one readable message", (v) => {
    expect(messages(emailSchema, v)).toEqual([msg]);
  });
  it("accepts 254 characters and rejects 255", () => {
    const address = (n: number) => `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(n)}.io`;
    expect(address(58)).toHaveLength(254);
    expect(emailSchema.parse(address(58))).toBe(address(58));
    expect(messages(emailSchema, address(59))).toEqual([msg]);
  });
});

describe("passwordSchema", () => {
  const msg = "Password must be at least 8 characters and include a letter and a number";
  it.each([["abcdefg1"], ["12345678x"], ["pässwört9"], ["a1".repeat(64)]])("accepts %s", (v) => {
    expect(messages(passwordSchema, v)).toEqual([]);
  });
  it("does not trim (spaces are part of a password)", () => {
    expect(passwordSchema.parse(" abcdef1 ")).toBe(" abcdef1 ");
  });
  it.each([["abcde1"], ["abcdefgh"], ["12345678"], ["        "], [""], [12345678]])("rejects %j", (v) => {
    expect(messages(passwordSchema, v)).toEqual([msg]);
  });
  it("rejects 7 characters but accepts 8", () => {
    expect(messages(passwordSchema, "abcdef1")).toEqual([msg]);
    expect(messages(passwordSchema, "abcdefg1")).toEqual([]);
  });
  it("rejects more than 128 characters with a single, accurate message", () => {
    expect(messages(passwordSchema, "a1".repeat(64) + "x")).toEqual(["Password must be at most 128 characters"]);
    expect(messages(passwordSchema, "a".repeat(200))).toEqual(["Password must be at most 128 characters"]);
  });
});

describe("handleSchema", () => {
  const msg = "Handle must be 3 to 20 characters: letters, numbers, underscore";
  it("trims and lowercases", () => {
    expect(handleSchema.parse("  Ann_99 ")).toBe("ann_99");
  });
  it.each([["abc"], ["a".repeat(20)], ["a_1"]])("accepts %s", (v) => {
    expect(messages(handleSchema, v)).toEqual([]);
  });
  it.each([["ab"], ["a".repeat(21)], ["ann-b"], ["ann b"], ["änn"], [""], [7]])("rejects %j", (v) => {
    expect(messages(handleSchema, v)).toEqual([msg]);
  });
});

describe("displayNameSchema", () => {
  const msg = "Display name must be 1 to 60 characters";
  it("trims", () => {
    expect(displayNameSchema.parse("  Ann Lee ")).toBe("Ann Lee");
  });
  it("accepts 1 and 60 characters", () => {
    expect(messages(displayNameSchema, "A")).toEqual([]);
    expect(messages(displayNameSchema, "x".repeat(60))).toEqual([]);
  });
  it.each([[""], ["   "], ["x".repeat(61)], [undefined]])("rejects %j", (v) => {
    expect(messages(displayNameSchema, v)).toEqual([msg]);
  });
});

describe("id schemas", () => {
  it("accept a uuid and lowercase it so id comparisons in JS match Postgres", () => {
    expect(userIdSchema.parse(ID_A.toUpperCase())).toBe(ID_A);
    expect(callIdSchema.parse(ID_A.toUpperCase())).toBe(ID_A);
  });
  it("reject anything else with their own message", () => {
    expect(messages(userIdSchema, "123")).toEqual(["Not a valid user id"]);
    expect(messages(callIdSchema, "123")).toEqual(["Not a valid call id"]);
    expect(messages(userIdSchema, 5)).toEqual(["Not a valid user id"]);
  });
  it("are used by the ref inputs", () => {
    expect(userRefInput.parse({ userId: ID_A })).toEqual({ userId: ID_A });
    expect(messages(userRefInput, { userId: "x" })).toEqual(["Not a valid user id"]);
    expect(callRefInput.parse({ callId: ID_A })).toEqual({ callId: ID_A });
    expect(messages(callRefInput, { callId: "x" })).toEqual(["Not a valid call id"]);
  });
});

describe("signUpInput / signInInput", () => {
  it("normalizes a valid sign-up", () => {
    expect(
      signUpInput.parse({ email: " A@B.io", password: "secret123", displayName: " Ann ", handle: "ANN" }),
    ).toEqual({ email: "a@b.io", password: "secret123", displayName: "Ann", handle: "ann" });
  });
  it("reports each bad field under its own path", () => {
    const result = signUpInput.safeParse({ email: "x", password: "short", displayName: "", handle: "a" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["email", "password", "displayName", "handle"]);
  });
  it("sign-in accepts any non-empty password up to 128 characters (no strength rule)", () => {
    expect(signInInput.parse({ email: "a@b.io", password: "x" })).toEqual({ email: "a@b.io", password: "x" });
    expect(messages(signInInput, { email: "a@b.io", password: "" })).toEqual(["Enter your password"]);
    expect(messages(signInInput, { email: "a@b.io", password: "x".repeat(129) })).toEqual([
      "Password must be at most 128 characters",
    ]);
    expect(messages(signInInput, { email: "nope", password: "x" })).toEqual(["Enter a valid email address"]);
  });
});

describe("searchInput", () => {
  it("trims the query", () => {
    expect(searchInput.parse({ query: "  ann " })).toEqual({ query: "ann" });
  });
  it("needs at least one non-space character", () => {
    expect(messages(searchInput, { query: "   " })).toEqual(["Type at least one character"]);
  });
  it("allows 100 characters, not 101", () => {
    expect(messages(searchInput, { query: "x".repeat(100) })).toEqual([]);
    expect(messages(searchInput, { query: "x".repeat(101) })).toEqual(["Search is limited to 100 characters"]);
  });
});

describe("favoriteInput", () => {
  it("needs a user id and a boolean", () => {
    expect(favoriteInput.parse({ userId: ID_A, favorite: true })).toEqual({ userId: ID_A, favorite: true });
    expect(messages(favoriteInput, { userId: ID_A, favorite: "yes" })).toEqual(["Favorite must be true or false"]);
  });
});

describe("call inputs", () => {
  it("callKindSchema accepts audio and video only", () => {
    expect(callKindSchema.parse("audio")).toBe("audio");
    expect(callKindSchema.parse("video")).toBe("video");
    expect(messages(callKindSchema, "screen")).toEqual(["Call kind must be audio or video"]);
  });
  it("startCallInput rings 1 to 8 people", () => {
    expect(startCallInput.parse({ calleeIds: [ID_A], kind: "video" })).toEqual({ calleeIds: [ID_A], kind: "video" });
    expect(messages(startCallInput, { calleeIds: ids(8), kind: "audio" })).toEqual([]);
    expect(messages(startCallInput, { calleeIds: [], kind: "audio" })).toEqual(["A call can ring 1 to 8 people"]);
    expect(messages(startCallInput, { calleeIds: ids(9), kind: "audio" })).toEqual(["A call can ring 1 to 8 people"]);
    expect(messages(startCallInput, { calleeIds: "x", kind: "audio" })).toEqual(["A call can ring 1 to 8 people"]);
  });
  it("startCallInput rings each person once, also when an id differs only in case", () => {
    const dup = "Each person can only be rung once";
    expect(messages(startCallInput, { calleeIds: [ID_A, ID_B, ID_A], kind: "audio" })).toEqual([dup]);
    expect(messages(startCallInput, { calleeIds: [ID_A, ID_A.toUpperCase()], kind: "audio" })).toEqual([dup]);
    // Too many people is the one thing to fix first; no second message about duplicates.
    expect(messages(startCallInput, { calleeIds: [...ids(8), ID_A, ID_A], kind: "audio" })).toEqual([
      "A call can ring 1 to 8 people",
    ]);
  });
  it("startCallInput reports a bad id once, without a confusing duplicate message", () => {
    expect(messages(startCallInput, { calleeIds: ["x", ID_A], kind: "audio" })).toEqual(["Not a valid user id"]);
    expect(messages(startCallInput, { calleeIds: ["x", "x"], kind: "audio" })).toEqual([
      "Not a valid user id",
      "Not a valid user id",
    ]);
  });
  it("answerInput carries the kind the callee answers with", () => {
    expect(answerInput.parse({ callId: ID_A, kind: "audio" })).toEqual({ callId: ID_A, kind: "audio" });
    expect(messages(answerInput, { callId: ID_A })).toEqual(["Call kind must be audio or video"]);
  });
});

describe("historyInput", () => {
  it("applies defaults", () => {
    expect(historyInput.parse({})).toEqual({ filter: "all", limit: 50 });
  });
  it("accepts every field", () => {
    const input = { filter: "missed", withUserId: ID_B, limit: 100, cursor: "2026-11-25T21:04:00.000Z" };
    expect(historyInput.parse(input)).toEqual(input);
    expect(messages(historyInput, { limit: 1 })).toEqual([]);
  });
  it.each([[0], [101], [2.5], ["10"]])("rejects limit %j", (limit) => {
    expect(messages(historyInput, { limit })).toEqual(["Limit must be a whole number from 1 to 100"]);
  });
  it("rejects an unknown filter and a bad user id", () => {
    expect(messages(historyInput, { filter: "recent" })).toEqual(["Filter must be all or missed"]);
    expect(messages(historyInput, { withUserId: "x" })).toEqual(["Not a valid user id"]);
    expect(messages(historyInput, { cursor: 3 })).toEqual(["Not a valid cursor"]);
    expect(messages(historyInput, { cursor: "yesterday" })).toEqual(["Not a valid cursor"]);
  });
});

describe("eventsInput", () => {
  it.each([[undefined], [null], ["0"], ["123456789012345678"]])("accepts lastEventId %j", (lastEventId) => {
    expect(messages(eventsInput, { lastEventId })).toEqual([]);
  });
  it.each([["abc"], ["-1"], ["1.5"], [""], [12], ["99999999999999999999999"]])("rejects lastEventId %j", (lastEventId) => {
    expect(messages(eventsInput, { lastEventId })).toEqual(["Not a valid event id"]);
  });
});

describe("text rules for names and searches", () => {
  const name = (v: unknown) => messages(displayNameSchema, v);
  const search = (v: unknown) => messages(searchInput, { query: v });

  it("normalises a name: one line, whitespace runs collapsed, trimmed, NFC", () => {
    expect(displayNameSchema.parse("  Ann \t\n  Lee\u00a0\u00a0Jr ")).toBe("Ann Lee Jr");
    // e + combining acute becomes the single precomposed é
    expect(displayNameSchema.parse("Rene\u0301e")).toBe("Ren\u00e9e");
    expect(searchInput.parse({ query: " ann\r\n\u2028lee " })).toEqual({ query: "ann lee" });
  });

  it("counts the length after normalising", () => {
    expect(name(`${"x".repeat(30)}${" ".repeat(40)}${"y".repeat(29)}`)).toEqual([]);
    expect(name("e\u0301".repeat(60))).toEqual([]);
  });

  it("keeps what real names need: accents, scripts, emoji with joiners, Persian's non-joiner", () => {
    for (const ok of ["Zoë", "李小龍", "محمد", "👩‍👩‍👧 family", "می\u200cخواهم", "O'Brien-Smith"]) {
      expect(name(ok)).toEqual([]);
    }
  });

  it.each([
    ["NUL", "Ann\u0000Lee"],
    ["escape", "Ann\u001b[31mLee"],
    ["DEL", "Ann\u007f"],
    ["C1 next line", "Ann\u0085Lee"],
    ["C1 control", "Ann\u009bLee"],
  ])("rejects a %s control character with a clear message", (_what, v) => {
    expect(name(v)).toEqual(["Display name can't contain control characters"]);
    expect(search(v)).toEqual(["Search can't contain control characters"]);
  });

  it.each([["\ud800"], ["Ann\udfff"], ["\ud83dLee"]])("rejects the lone surrogate in %j", (v) => {
    expect(name(v)).toEqual(["Display name contains an invalid character"]);
    expect(search(v)).toEqual(["Search contains an invalid character"]);
  });

  it.each([
    ["right-to-left override", "Ann\u202eeiL"],
    ["left-to-right embedding", "\u202aAnn"],
    ["pop directional formatting", "Ann\u202c"],
    ["first-strong isolate", "Ann\u2068x\u2069"],
    ["right-to-left isolate", "\u2067Ann"],
  ])("rejects a bidi %s", (_what, v) => {
    expect(name(v)).toEqual(["Display name can't contain text-direction controls"]);
    expect(search(v)).toEqual(["Search can't contain text-direction controls"]);
  });

  it.each([
    ["zero-width space", "\u200b"],
    ["zero-width joiners", "\u200d\u200c\u200d"],
    ["word joiner and BOM", "\u2060\u2060"],
    ["Hangul filler", "\u3164"],
    ["braille blank", "\u2800\u2800"],
    ["a lone combining mark", "\u0301"],
    ["variation selector", "\ufe0f"],
    ["soft hyphen", "\u00ad"],
  ])("rejects a name of only %s", (_what, v) => {
    expect(name(v)).toEqual(["Display name must include a visible character"]);
  });

  it("still says how long a name may be for empty and too-long input", () => {
    expect(name("\t\n ")).toEqual(["Display name must be 1 to 60 characters"]);
    expect(name("x".repeat(61))).toEqual(["Display name must be 1 to 60 characters"]);
  });

  it("applies to every place a name or search is typed", () => {
    const valid = { email: "a@b.io", password: "secret123", handle: "ann" };
    expect(messages(signUpInput, { ...valid, displayName: "A\u0000" })).toEqual(["Display name can't contain control characters"]);
    expect(signUpInput.parse({ ...valid, displayName: " Ann\n Lee " }).displayName).toBe("Ann Lee");
  });
});

describe("passwordSchema characters", () => {
  it.each([["secret123\u0000"], ["secret123\ud800"], ["secret\n123"]])("rejects %j", (v) => {
    expect(messages(passwordSchema, v)).toEqual(["Password can't contain control or invalid characters"]);
  });
  it("keeps spaces and any script", () => {
    expect(messages(passwordSchema, "pass word 1 😀 ü")).toEqual([]);
  });
});

describe("provider names and ids (OAuth sign-in)", () => {
  it("cleans a provider's name instead of refusing the sign-in", () => {
    expect(providerNameSchema.parse("  Octo\u0000 \u202eCat\n ")).toBe("Octo Cat");
    expect(providerNameSchema.parse("\u200b\u200b")).toBeNull();
    expect(providerNameSchema.parse(null)).toBeNull();
    expect(providerNameSchema.parse(undefined)).toBeNull();
  });
  it("cuts a long name to 60 characters without splitting an emoji", () => {
    const cut = providerNameSchema.parse(`${"x".repeat(59)}😀tail`);
    expect(cut).toBe("x".repeat(59));
    expect(providerNameSchema.parse("y".repeat(500))).toBe("y".repeat(60));
  });
  it("accepts a printable client address only", () => {
    for (const ok of ["203.0.113.9", "::1", "2001:db8::1", "unknown"]) expect(messages(clientAddressSchema, ok)).toEqual([]);
    for (const bad of ["", "10.0.0.1\u0000", "a b", "x".repeat(101), 7]) {
      expect(messages(clientAddressSchema, bad)).toEqual(["Not a valid client address"]);
    }
  });
  it("accepts printable account ids only", () => {
    expect(messages(providerAccountIdSchema, "12345")).toEqual([]);
    for (const bad of ["", "a\u0000", "a b", "x".repeat(201), 5]) {
      expect(messages(providerAccountIdSchema, bad)).toEqual(["Not a valid provider account id"]);
    }
  });
});

describe("historyInput cursor range", () => {
  it.each([
    ["year 0", "0000-06-01T00:00:00Z"],
    ["year 10000 through an offset", "9999-12-31T23:59:59-01:00"],
    ["a six-digit year", "+010000-01-01T00:00:00Z"],
    ["a negative year", "-000001-01-01T00:00:00Z"],
  ])("refuses %s with 'Not a valid cursor'", (_what, cursor) => {
    expect(messages(historyInput, { cursor })).toEqual(["Not a valid cursor"]);
  });
  it.each([["0001-01-01T00:00:00Z"], ["9999-12-31T23:59:59.999Z"], ["9999-12-31T23:59:59+01:00"]])("accepts the edge %s", (cursor) => {
    expect(messages(historyInput, { cursor })).toEqual([]);
  });
});
