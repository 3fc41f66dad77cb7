// JSON bodies nested deeper than any of our schemas (a few levels) are refused before they are
// parsed: a 60 KB body of 30,000 nested arrays made validation-error reporting quadratic (seconds
// of blocked event loop, then "RangeError: Out of memory" → 500). And a body whose strings are not
// valid Unicode (a lone UTF-16 surrogate, which JSON's \u escapes can carry) is refused once
// parsed: PostgreSQL cannot store one, so it must never get past the door.
import { Elysia } from "elysia";
import { MalformedRequestError } from "../../shared/errors.ts";

export const MAX_JSON_DEPTH = 32;

/** True when `text` opens more than `max` arrays/objects at once (string contents are skipped). */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/** True when any string or key in `value` holds a lone UTF-16 surrogate. */
function holdsLoneSurrogate(value: unknown): boolean {
  if (typeof value === "string") return !value.isWellFormed();
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsLoneSurrogate);
  return Object.entries(value).some(([key, nested]) => !key.isWellFormed() || holdsLoneSurrogate(nested));
}

/** Only a \u escape of D800–DFFF can put a surrogate into parsed JSON: the walk runs only then. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

export const jsonDepthLimit = (max = MAX_JSON_DEPTH) =>
  new Elysia({ name: "json-depth" }).onParse({ as: "global" }, async ({ request, contentType }) => {
    if (contentType !== "application/json") return; // other types: Elysia's own parsers
    const text = await request.text();
    if (nestedDeeperThan(text, max)) throw new MalformedRequestError(`the request body is nested deeper than ${max} levels`);
    if (text === "") return null; // as Elysia's JSON parser: an empty body is no body
    const parsed: unknown = JSON.parse(text);
    if (SURROGATE_ESCAPE.test(text) && holdsLoneSurrogate(parsed)) {
      throw new MalformedRequestError("the request body is not valid Unicode: a string holds a lone UTF-16 surrogate (\\ud800–\\udfff)");
    }
    return parsed;
  });
