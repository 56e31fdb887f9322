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
