/** `GET /v1/bulletins/{id}/stix` (DESIGN §12): a signed request, the bulletin's visibility. */
import type { HubDeps } from "../../hub/deps.js";
import { STIX_MEDIA_TYPE } from "../../interop/stix/index.js";
import { bulletinBundle } from "../../stix-export/bundle.js";
import { StixBundleSchema } from "../../taxii/wire.js";
import type { Route } from "../route.js";

export function stixRoutes(deps: HubDeps): Route[] {
  return [
    {
      method: "GET",
      path: "/v1/bulletins/{id}/stix",
      doc: {
        summary: "One bulletin as a STIX 2.1 bundle (application/stix+json;version=2.1)",
        description:
          "404 when hidden or missing alike; 403 for a TLP:RED bulletin the caller may see, which " +
          "is read by direct GET only.",
        responses: { 200: StixBundleSchema },
        mediaType: STIX_MEDIA_TYPE,
      },
      auth: "caller",
      role: "none",
      body: "none",
      rateClass: "read",
      handle: async ({ caller, param }) => ({
        status: 200,
        body: await bulletinBundle(deps, caller, param("id")),
        headers: { "content-type": STIX_MEDIA_TYPE },
      }),
    },
  ];
}
