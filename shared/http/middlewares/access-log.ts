/** One structured line per request: route, status, duration and caller id. Never the token or the body. */
import type { Logger } from "../../observability/types.js";
import type { ApiMiddleware, ApiRequest } from "../middleware.js";

export function accessLog(logger: Logger): ApiMiddleware {
  const write = (request: ApiRequest) => {
    const state = request.context.cordon;
    logger.info("request", {
      requestId: request.context.awsRequestId,
      method: request.event.requestContext.http.method,
      route: state?.match?.route.path,
      status: request.response?.statusCode,
      caller: state?.caller?.id,
      ms: state === undefined ? undefined : Date.now() - state.startedAt,
    });
  };
  return { after: write, onError: write };
}
