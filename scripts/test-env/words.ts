// Comparing transcripts the way a reader would: case, punctuation and "10" vs "ten" do not count.

const NUMBER_WORDS: Record<string, string> = {
  "0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven", "8": "eight",
  "9": "nine", "10": "ten", "11": "eleven", "12": "twelve", "15": "fifteen", "20": "twenty", "30": "thirty",
};

/** Lower-case words without punctuation, small numbers spelled out, "I'm" as "i am". */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’]/g, "'")
    .replace(/\b(i|you|we|they|it|that)'(m|re|ll|s|ve)\b/g, (_, a: string, b: string) =>
      `${a} ${{ m: "am", re: "are", ll: "will", s: "is", ve: "have" }[b] ?? b}`,
    )
    .replace(/[^a-z0-9' ]+/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => NUMBER_WORDS[w] ?? w);
}

export type Alignment = {
  /** substitutions + deletions + insertions */
  errors: number;
  /** for each reference word, the index of the hypothesis word it matched exactly, or -1 */
  matched: number[];
};

/** Levenshtein alignment of word lists (the usual WER alignment). */
export function alignWords(reference: readonly string[], hypothesis: readonly string[]): Alignment {
  const n = reference.length;
  const m = hypothesis.length;
  const d: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const row = d[i];
      if (row) row[j] = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1));
    }
  }
  const matched = new Array<number>(n).fill(-1);
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const same = reference[i - 1] === hypothesis[j - 1];
    if (at(i, j) === at(i - 1, j - 1) + (same ? 0 : 1)) {
      if (same) matched[i - 1] = j - 1;
      i--;
      j--;
    } else if (at(i, j) === at(i - 1, j) + 1) i--;
    else j--;
  }
  return { errors: at(n, m), matched };
}

/** Word error rate of `hypothesis` against `reference` (0.05 = 5 %). */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const ref = normalizeWords(reference);
  return ref.length === 0 ? 0 : alignWords(ref, normalizeWords(hypothesis)).errors / ref.length;
}
