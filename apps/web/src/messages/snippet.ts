/**
 * Splits a search snippet into plain and matched text. The API (Postgres ts_headline) marks the
 * matched words with « and »; an unclosed mark runs to the end, a stray » is dropped.
 */
export function snippetParts(snippet: string): Array<{ text: string; match: boolean }> {
  const parts: Array<{ text: string; match: boolean }> = [];
  let match = false;
  let text = "";
  const flush = () => {
    if (text) parts.push({ text, match });
    text = "";
  };
  for (const ch of snippet) {
    if (ch === "«" && !match) {
      flush();
      match = true;
    } else if (ch === "»") {
      if (match) {
        flush();
        match = false;
      }
    } else text += ch;
  }
  flush();
  return parts;
}

/**
 * Adds a leading "…" when the snippet starts inside the transcript rather than at its start. The
 * API does not say where its fragment starts, so the transcript's own shape tells: a transcript (and
 * each sentence) opens with a capital or a digit, so a snippet starting in lower case starts
 * mid-sentence. (The end is left alone: ts_headline drops a final full stop, so it cannot tell.)
 */
export function withEllipses(snippet: string): string {
  const text = snippet.trim();
  const plain = text.replace(/[«»]/g, "");
  const first = plain.match(/[\p{L}\p{N}]/u)?.[0] ?? "";
  const cutBefore = first !== "" && first === first.toLowerCase() && first !== first.toUpperCase();
  return cutBefore ? `…${text}` : text;
}
