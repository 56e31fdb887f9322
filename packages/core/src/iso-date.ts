import { z } from "zod";

/**
 * Dates travel as ISO strings (event payloads are JSON) and are Dates once parsed: `parse` turns
 * strings into Dates, `encode` turns Dates back into strings.
 */
export const isoDate = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});
