import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../../shared/http/openapi.js";

describe("the OpenAPI document", () => {
  it("is in step with the routes and schemas (run `npm run openapi` after changing them)", async () => {
    const { version } = JSON.parse(await readFile("package.json", "utf8")) as { version: string };
    const committed = JSON.parse(await readFile("docs/openapi.json", "utf8")) as unknown;
    expect(committed).toEqual(openApiDocument(version));
  });

  it("documents every route of the contract, with problem answers", () => {
    const document = openApiDocument("test") as {
      paths: Record<string, Record<string, { responses: object }>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        "POST /v1/bulletins",
        "GET /v1/bulletins",
        "GET /v1/bulletins/{id}",
        "POST /v1/bulletins/{id}/revoke",
        "GET /v1/bulletins/{id}/sightings",
        "POST /v1/screen",
        "POST /v1/sightings",
        "POST /v1/subscriptions",
        "GET /v1/subscriptions/{id}/deliveries",
        "POST /v1/subscriptions/{id}/rotate-secret",
        "POST /v1/admin/orgs",
        "PATCH /v1/admin/orgs/{id}",
        "POST /v1/keys",
        "DELETE /v1/keys/{kid}",
        "GET /v1/orgs/{id}/jwks",
        "GET /v1/me",
        "GET /.well-known/jwks.json",
        "GET /health",
      ]),
    );
    expect(document.paths["/v1/screen"]?.post?.responses).toHaveProperty("422");
  });
});
