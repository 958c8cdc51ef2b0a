/**
 * Every error becomes an RFC 9457 problem+json response. Unexposed errors become a
 * generic 500 whose body says nothing of the cause; the cause goes to the log.
 */
import { CordonError } from "../../errors/errors.js";
import { toProblem } from "../../errors/problem.js";
import type { Logger } from "../../observability/types.js";
import type { ApiMiddleware } from "../middleware.js";
import { SECURITY_HEADERS } from "../responses.js";

export function problemResponses(logger: Logger): ApiMiddleware {
  return {
    onError: (request) => {
      const { status, headers, problem } = toProblem(request.error);
      if (status >= 500) {
        const error = request.error;
        logger.error("request failed", {
          requestId: request.context.awsRequestId,
          error:
            error instanceof Error
              ? { name: error.name, message: error.message, stack: error.stack }
              : { value: String(error) },
        });
      } else if (request.error instanceof CordonError && "reason" in request.error) {
        logger.info("request refused", {
          requestId: request.context.awsRequestId,
          code: request.error.code,
          refusal: request.error.reasonCode,
          reason: request.error.reason,
        });
      }
      request.response = {
        statusCode: status,
        headers: { ...SECURITY_HEADERS, ...headers },
        body: JSON.stringify(problem),
      };
    },
  };
}
