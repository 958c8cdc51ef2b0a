/** The router's path templates: one-segment `{name}`, a greedy `{rest+}` at the end, 404 and 405 kept. */
import { describe, expect, it } from "vitest";
import { type Route, Router } from "../../../shared/http/route.js";

const route = (method: "GET" | "POST", path: string): Route => ({
  method,
  path,
  doc: { summary: path, responses: {} },
  auth: "public",
  handle: async () => ({ status: 200 }),
});

describe("the router", () => {
  const router = new Router([
    route("GET", "/v1/log/tile/entries/{bundle+}"),
    route("GET", "/v1/log/tile/{tile+}"),
    route("GET", "/v1/bulletins/{id}"),
  ]);

  it("gives a greedy parameter the rest of the path, first matching route first", () => {
    expect(router.match("GET", "/v1/log/tile/0/x001/234.p/7").params).toEqual({
      tile: "0/x001/234.p/7",
    });
    expect(router.match("GET", "/v1/log/tile/entries/000").params).toEqual({ bundle: "000" });
    expect(router.match("GET", "/v1/bulletins/abc").params).toEqual({ id: "abc" });
  });

  it("keeps 404 for no segment or an empty one, and 405 with Allow for another method", () => {
    for (const path of [
      "/v1/log/tile/",
      "/v1/log/tile",
      "/v1/log/tile/0//1",
      "/v1/bulletins/a/b",
    ]) {
      expect(() => router.match("GET", path), path).toThrow(
        expect.objectContaining({ status: 404 }),
      );
    }
    expect(() => router.match("POST", "/v1/log/tile/0/000")).toThrow(
      expect.objectContaining({ status: 405 }),
    );
  });

  it("refuses a greedy parameter anywhere but at the end", () => {
    expect(() => new Router([route("GET", "/v1/{rest+}/x")])).toThrow(/must end/);
  });
});
