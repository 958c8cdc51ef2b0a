/**
 * TAXII 2.1 routes (DESIGN §12) under /taxii2/: a feed token or a signed request, the
 * `Accept` negotiated (406), then the taxii module answers. Errors on these paths are
 * TAXII error messages (middlewares/taxii-errors.ts), not problem+json.
 */
import { NotFoundError } from "../../errors/errors.js";
import type { HubDeps } from "../../hub/deps.js";
import {
  API_ROOT,
  API_ROOT_PATH,
  COLLECTION,
  DISCOVERY,
  isCollection,
  TAXII_MEDIA_TYPE,
  TAXII_PREFIX,
} from "../../taxii/collection.js";
import { getManifest, getObject, getObjects, getVersions } from "../../taxii/endpoints.js";
import { checkAccept } from "../../taxii/media.js";
import { type ExportReader, exportReaderOf } from "../../taxii/reader.js";
import {
  ApiRootSchema,
  CollectionSchema,
  CollectionsSchema,
  DiscoverySchema,
  EnvelopeSchema,
  ManifestSchema,
  VersionsSchema,
} from "../../taxii/wire.js";
import type { CallerRequest, Route, RouteDoc } from "../route.js";

const COLLECTION_PATH = `${API_ROOT_PATH}collections/{collection}/`;
const PAGING_DOC = [
  { name: "added_after", description: "only objects added after this time (RFC 3339, UTC)" },
  { name: "limit", description: "1–1,000 objects, default 100" },
  { name: "next", description: "the next of the previous page" },
];
const MATCH_DOC = [
  { name: "match[id]", description: "comma-separated STIX ids" },
  { name: "match[type]", description: "comma-separated STIX types" },
  { name: "match[version]", description: "last (default), first, all, or timestamps" },
  { name: "match[spec_version]", description: "2.1" },
];

interface TaxiiResult {
  resource: unknown;
  headers?: Record<string, string>;
}

export function taxiiRoutes(deps: HubDeps): Route[] {
  const route = (
    path: string,
    doc: RouteDoc,
    answer: (request: CallerRequest, reader: ExportReader) => Promise<TaxiiResult>,
  ): Route => ({
    method: "GET",
    path,
    doc,
    auth: "caller",
    role: "none",
    body: "none",
    feedTokens: "accepted",
    rateClass: "feed-token",
    handle: async (request) => {
      checkAccept(request.header("accept"));
      if (path.includes("{collection}") && !isCollection(request.param("collection"))) {
        throw new NotFoundError("collection");
      }
      const { resource, headers } = await answer(
        request,
        exportReaderOf(request.caller, request.credential),
      );
      return {
        status: 200,
        body: resource,
        headers: { "content-type": TAXII_MEDIA_TYPE, ...headers },
      };
    },
  });
  const taxiiDoc = (summary: string, schema: RouteDoc["responses"][number], query = false) => ({
    summary,
    description:
      "TAXII 2.1: a feed token (Bearer, Token or Basic) or a signed request; " +
      `Accept ${TAXII_MEDIA_TYPE}; errors are TAXII error messages.`,
    responses: { 200: schema },
    mediaType: TAXII_MEDIA_TYPE,
    ...(query ? { query: [...PAGING_DOC, ...MATCH_DOC] } : {}),
  });

  return [
    route(`${TAXII_PREFIX}/`, taxiiDoc("TAXII discovery", DiscoverySchema), async () => ({
      resource: DISCOVERY,
    })),
    route(API_ROOT_PATH, taxiiDoc("TAXII API root", ApiRootSchema), async () => ({
      resource: API_ROOT,
    })),
    route(
      `${API_ROOT_PATH}collections/`,
      taxiiDoc("TAXII collections: the one collection of bulletins", CollectionsSchema),
      async () => ({ resource: { collections: [COLLECTION] } }),
    ),
    route(
      COLLECTION_PATH,
      taxiiDoc("TAXII collection (id or alias `bulletins`)", CollectionSchema),
      async () => ({ resource: COLLECTION }),
    ),
    route(
      `${COLLECTION_PATH}objects/`,
      taxiiDoc(
        "TAXII objects: every version the caller may see, by date_added",
        EnvelopeSchema,
        true,
      ),
      async ({ query }, reader) => getObjects(deps, reader, query),
    ),
    route(
      `${COLLECTION_PATH}manifest/`,
      taxiiDoc("TAXII manifest of the objects", ManifestSchema, true),
      async ({ query }, reader) => getManifest(deps, reader, query),
    ),
    route(
      `${COLLECTION_PATH}objects/{object}/`,
      taxiiDoc("TAXII object by id (its last version unless match[version])", EnvelopeSchema, true),
      async ({ query, param }, reader) => getObject(deps, reader, param("object"), query),
    ),
    route(
      `${COLLECTION_PATH}objects/{object}/versions/`,
      taxiiDoc("TAXII versions of an object", VersionsSchema, true),
      async ({ query, param }, reader) => getVersions(deps, reader, param("object"), query),
    ),
  ];
}
