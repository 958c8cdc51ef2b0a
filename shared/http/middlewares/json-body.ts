/**
 * Fourth and fifth checks, for routes that take a body: the media type (415) and
 * strict JSON (400 when unreadable; 422 for a duplicate member name, which JSON.parse
 * would silently resolve).
 */
import {
  MalformedJsonError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "../../errors/errors.js";
import { parseStrictJsonBytes } from "../../json/strict-json.js";
import type { ApiMiddleware } from "../middleware.js";
import { matchOf, stateOf } from "../middleware.js";

export function jsonBody(): ApiMiddleware {
  return {
    before: (request) => {
      const { route } = matchOf(request);
      if (route.auth !== "caller" || route.body !== "json") return undefined;
      if (!isJsonMediaType(request.event.headers["content-type"]))
        throw new UnsupportedMediaTypeError();
      const state = stateOf(request);
      const parsed = parseStrictJsonBytes(state.bodyBytes);
      if (!parsed.ok) {
        if (parsed.kind === "duplicate" || parsed.kind === "surrogate") {
          throw ValidationError.at(parsed.pointer, parsed.message);
        }
        throw new MalformedJsonError();
      }
      state.body = parsed.value;
      return undefined;
    },
  };
}

/** `application/json`, optionally with `charset=utf-8`; nothing else. */
export function isJsonMediaType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...parameters] = header.split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json") return false;
  return parameters.every((parameter) => {
    const [name, value] = parameter.split("=").map((part) => part.trim());
    return name !== "charset" || value === "utf-8" || value === '"utf-8"';
  });
}
