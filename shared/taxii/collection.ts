/**
 * The hub's TAXII 2.1 server as TAXII clients discover it (DESIGN §12): one API root,
 * `/taxii2/cordon/`, holding one read-only collection of every bulletin the caller may
 * see (its objects: shared/taxii/pages.ts). URLs in these documents are absolute paths,
 * so they hold behind any host name (API Gateway, CloudFront, a local hub).
 */
import { MAX_BODY_BYTES } from "../http/middlewares/body-limit.js";
import { STIX_MEDIA_TYPE } from "../interop/stix/types.js";
import type { ApiRoot, Collection, Discovery } from "./wire.js";

export const TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1";
export const TAXII_PREFIX = "/taxii2";
export const API_ROOT_PATH = `${TAXII_PREFIX}/cordon/`;
export const COLLECTION_ID = "4e1b7c1a-6f52-4c55-9d39-8a7c5b0e3f10";
export const COLLECTION_ALIAS = "bulletins";

export const DISCOVERY: Discovery = {
  title: "Cordon",
  description:
    "Signed indicator bulletins (crypto addresses, transactions, channels) shared between " +
    "exchanges, forensics firms, FIUs and central banks, as STIX 2.1.",
  default: API_ROOT_PATH,
  api_roots: [API_ROOT_PATH],
};

export const API_ROOT: ApiRoot = {
  title: "Cordon bulletins",
  description: "Every bulletin the caller may see (TLP:RED never; a feed token up to TLP:AMBER).",
  versions: [TAXII_MEDIA_TYPE],
  max_content_length: MAX_BODY_BYTES,
};

export const COLLECTION: Collection = {
  id: COLLECTION_ID,
  title: "Cordon bulletins",
  description:
    "Each bulletin as a report with its indicators, observables and relationships, each change " +
    "(publication, revocation, supersession) a new version; date_added is the change's time.",
  alias: COLLECTION_ALIAS,
  can_read: true,
  can_write: false,
  media_types: [STIX_MEDIA_TYPE],
};

/** Whether a URL's collection segment names this collection (its id, or its alias). */
export function isCollection(segment: string): boolean {
  return segment === COLLECTION_ID || segment === COLLECTION_ALIAS;
}
