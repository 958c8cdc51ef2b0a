/**
 * The OpenAPI 3.1 document of the API, generated from the routes themselves and the
 * zod schemas they parse with (`npm run openapi` writes docs/openapi.json; a test
 * keeps the committed copy in step). Nothing here is a second copy of a shape.
 */
import * as z from "zod";
import { ProblemSchema } from "../errors/problem.js";
import type { HubDeps } from "../hub/deps.js";
import { apiRouter } from "./api-routes.js";
import type { Route } from "./route.js";

type JsonSchema = Record<string, unknown>;

const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

/** Routes are built with their dependencies; the document needs only their declarations. */
const DECLARATIONS_ONLY = new Proxy(
  {},
  {
    get() {
      throw new Error("route declarations were asked for a dependency");
    },
  },
) as HubDeps;

export function openApiDocument(version: string): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const schemaOf = (schema: z.ZodType) => hoist(schema, components);
  schemaOf(ProblemSchema);
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of apiRouter(DECLARATIONS_ONLY).routes) {
    // OpenAPI has no multi-segment parameter: `{rest+}` is documented as `{rest}`.
    const path = route.path.replace(/\{(\w+)\+\}/g, "{$1}");
    const operations = paths[path] ?? {};
    operations[route.method.toLowerCase()] = operationOf(route, schemaOf);
    paths[path] = operations;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Cordon",
      version,
      description:
        "A hub where exchanges, forensics firms and central banks post and subscribe to signed indicator bulletins. " +
        "The wire contract is docs/DESIGN.md; this document is generated from the schemas the API parses with.",
    },
    servers: [{ url: "http://127.0.0.1:8080", description: "the local hub (npm start)" }],
    components: {
      schemas: components,
      securitySchemes: {
        requestToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "A JWT the organisation signs with its own key for every request (DESIGN §3): header {alg: EdDSA|Ed25519|ES256, kid, typ: cordon-req+jwt}; " +
            "claims iss, aud, iat, exp (≤ 300 s), jti (single use), htm, htu (path and query), bsh (base64url SHA-256 of the body).",
        },
        feedToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "cft_<id>_<secret>",
          description:
            "A feed token (DESIGN §11), on /taxii2/*, /misp/* and /v1/log/* only: read-only, up to TLP:AMBER. " +
            "Also accepted as `Authorization: Token <token>`.",
        },
        feedTokenBasic: {
          type: "http",
          scheme: "basic",
          description: "A feed token as HTTP Basic: the token's id as user, the token as password.",
        },
      },
      responses: Object.fromEntries(
        Object.entries(PROBLEMS).map(([status, description]) => [
          `Problem${status}`,
          { description, content: { "application/problem+json": { schema: PROBLEM_REF } } },
        ]),
      ),
    },
    paths,
  };
}

const PROBLEMS: Record<number, string> = {
  400: "Malformed JSON",
  401: "Missing or invalid request token; `code` says which check failed (DESIGN §15), `Date` carries the hub's time",
  403: "The caller lacks the role, or does not own the resource",
  404: "No such route, or a missing or hidden resource",
  405: "A known path with another method (see Allow)",
  409: "Conflict",
  413: "Body over 256 KiB",
  415: "Body not application/json",
  422: "Validation failed: errors[] names each bad field by JSON pointer",
  429: "Over the organisation's rate for the route's class: Retry-After, RateLimit-Policy and RateLimit say when to come back; the request token is not spent",
};

function operationOf(route: Route, schemaOf: (schema: z.ZodType) => JsonSchema): JsonSchema {
  const operation: JsonSchema = { summary: route.doc.summary, operationId: operationId(route) };
  if (route.doc.description !== undefined) operation.description = route.doc.description;
  const parameters = [
    ...[...route.path.matchAll(/\{(\w+)(\+?)\}/g)].map((match) => ({
      name: match[1],
      in: "path",
      required: true,
      ...(match[2] === "+" ? { description: "the rest of the path: one or more segments" } : {}),
      schema: { type: "string" },
    })),
    ...(route.doc.query ?? []).map((query) => ({
      name: query.name,
      in: "query",
      required: false,
      description: query.description,
      schema: { type: "string" },
    })),
  ];
  if (parameters.length > 0) operation.parameters = parameters;
  if (route.doc.request !== undefined) {
    operation.requestBody = {
      required: true,
      content: { "application/json": { schema: schemaOf(route.doc.request) } },
    };
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, schema] of Object.entries(route.doc.responses)) {
    responses[status] =
      schema === undefined
        ? { description: "No content" }
        : {
            description: "OK",
            content: { [route.doc.mediaType ?? "application/json"]: { schema: schemaOf(schema) } },
          };
  }
  const problems =
    route.auth === "public" ? [404, 405, 413] : [400, 401, 403, 404, 405, 409, 413, 415, 422, 429];
  for (const status of problems)
    responses[String(status)] = { $ref: `#/components/responses/Problem${status}` };
  operation.responses = responses;
  if (route.auth === "caller") {
    operation.security =
      route.feedTokens === "accepted"
        ? [{ requestToken: [] }, { feedToken: [] }, { feedTokenBasic: [] }]
        : [{ requestToken: [] }];
    // Every answer to a signed request names its bucket (DESIGN §15).
    operation["x-rate-limit-class"] = route.rateClass;
  }
  return operation;
}

function operationId(route: Route): string {
  const words = route.path
    .split("/")
    .filter((segment) => segment !== "" && segment !== "v1" && !segment.startsWith("{"))
    .map((segment) =>
      segment
        .replace(/[^a-zA-Z0-9]+(.)/g, (_m, c: string) => c.toUpperCase())
        .replace(/[^a-zA-Z0-9]/g, ""),
    );
  return [
    route.method.toLowerCase(),
    ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)),
  ].join("");
}

/** Converts a schema; named sub-schemas (`.meta({id})`) move to components and are referenced. */
function hoist(schema: z.ZodType, components: Record<string, JsonSchema>): JsonSchema {
  const converted = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  const definitions = (converted.$defs ?? {}) as Record<string, JsonSchema>;
  delete converted.$defs;
  delete converted.$schema;
  for (const [id, definition] of Object.entries(definitions))
    components[id] = rewriteRefs(definition) as JsonSchema;
  return rewriteRefs(converted) as JsonSchema;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      key === "$ref" && typeof inner === "string"
        ? [key, inner.replace("#/$defs/", "#/components/schemas/")]
        : [key, rewriteRefs(inner)],
    ),
  );
}
