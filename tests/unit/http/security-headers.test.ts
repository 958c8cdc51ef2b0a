/**
 * Every answer of the API is kept out of caches (DESIGN §16: TLP:RED content is never
 * cached): a route's JSON, a problem, and an answer a route shapes itself all carry
 * `Cache-Control: no-store` and `nosniff`, unless the route chose its own
 * `Cache-Control` (the log's immutable tiles).
 */
import { describe, expect, it } from "vitest";
import type { ApiRequest } from "../../../shared/http/middleware.js";
import { securityHeaders } from "../../../shared/http/middlewares/security-headers.js";

function request(response: ApiRequest["response"]): ApiRequest {
  return {
    event: {} as ApiRequest["event"],
    context: { awsRequestId: "r" },
    response,
    error: undefined,
  };
}

describe("the security headers of every API answer", () => {
  const middleware = securityHeaders();

  it("adds no-store and nosniff to an answer a route shaped itself", async () => {
    const answer = request({
      statusCode: 200,
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    await middleware.after?.(answer);
    expect(answer.response?.headers).toEqual({
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "content-type": "text/plain",
    });
  });

  it("adds them to a problem answer too, and to one without headers", async () => {
    const problem = request({ statusCode: 404, body: "{}" });
    await middleware.onError?.(problem);
    expect(problem.response?.headers?.["cache-control"]).toBe("no-store");
  });

  it("keeps a route's own Cache-Control, in whatever case it was written", async () => {
    const tile = request({
      statusCode: 200,
      headers: { "Cache-Control": "private, max-age=31536000, immutable" },
    });
    await middleware.after?.(tile);
    expect(tile.response?.headers).toEqual({
      "x-content-type-options": "nosniff",
      "Cache-Control": "private, max-age=31536000, immutable",
    });
  });

  it("leaves a request without an answer alone", async () => {
    const none = request(undefined);
    await middleware.onError?.(none);
    expect(none.response).toBeUndefined();
  });
});
