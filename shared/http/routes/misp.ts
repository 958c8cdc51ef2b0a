/**
 * The MISP feed (DESIGN §13) under /misp/: `manifest.json`, `hashes.csv` and
 * `<event uuid>.json`, for a feed token (MISP sends it in its feed's "headers" setting,
 * `Authorization: Bearer <token>`, or as Basic credentials) or a signed request.
 */
import { NotFoundError } from "../../errors/errors.js";
import type { HubDeps } from "../../hub/deps.js";
import { mispEventByUuid, mispHashes, mispManifest } from "../../misp-feed/feed.js";
import { exportReaderOf } from "../../taxii/reader.js";
import { MispFeedFileSchema } from "../../taxii/wire.js";
import type { Route } from "../route.js";

const EVENT_FILE =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.json$/;

export function mispRoutes(deps: HubDeps): Route[] {
  return [
    {
      method: "GET",
      path: "/misp/{file}",
      doc: {
        summary: "MISP feed: manifest.json, hashes.csv, or <event uuid>.json",
        description:
          "A feed token (Bearer, Token or Basic) or a signed request. The manifest lists the events " +
          "of the most recent changes the caller may see (TLP:RED never; a feed token up to TLP:AMBER).",
        responses: { 200: MispFeedFileSchema },
      },
      auth: "caller",
      role: "none",
      body: "none",
      feedTokens: "accepted",
      rateClass: "feed-token",
      handle: async ({ param, caller, credential }) => {
        const reader = exportReaderOf(caller, credential);
        const file = param("file");
        if (file === "manifest.json") {
          return { status: 200, body: await mispManifest(deps, reader) };
        }
        if (file === "hashes.csv") {
          return {
            status: 200,
            raw: await mispHashes(deps, reader),
            headers: { "content-type": "text/csv; charset=utf-8" },
          };
        }
        const uuid = EVENT_FILE.exec(file)?.[1];
        const event = uuid === undefined ? undefined : await mispEventByUuid(deps, reader, uuid);
        if (event === undefined) throw new NotFoundError("event");
        return { status: 200, body: event };
      },
    },
  ];
}
