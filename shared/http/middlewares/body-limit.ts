/** First check of every request (DESIGN §9): a body over the limit is a 413, whatever else is wrong. */
import { BodyTooLargeError } from "../../errors/errors.js";
import { bodyBytesOf } from "../event.js";
import type { ApiMiddleware } from "../middleware.js";

export const MAX_BODY_BYTES = 256 * 1024;

export function bodyLimit(maxBytes = MAX_BODY_BYTES): ApiMiddleware {
  return {
    before: (request) => {
      const declared = Number(request.event.headers["content-length"] ?? "0");
      if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError(maxBytes);
      const bodyBytes = bodyBytesOf(request.event);
      if (bodyBytes.length > maxBytes) throw new BodyTooLargeError(maxBytes);
      request.context.cordon = { startedAt: Date.now(), bodyBytes };
      return undefined;
    },
  };
}
