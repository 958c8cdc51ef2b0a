/**
 * Routes of the transparency log (DESIGN §14): the checkpoint, the note verifier key,
 * hash tiles and entry bundles (C2SP tlog-tiles), and a bulletin's inclusion proof.
 * Thin: parse, call shared/transparency, shape. The `/v1/log/*` answers are not JSON:
 * text notes, and tiles as bytes, cacheable for good since a tile never changes.
 */
import * as z from "zod";
import type { HubDeps } from "../../hub/deps.js";
import { logIdentity } from "../../transparency/identity.js";
import { bulletinProof } from "../../transparency/proof.js";
import { latestCheckpoint, servedTile } from "../../transparency/serve.js";
import { BulletinProofSchema } from "../../transparency/wire.js";
import type { CallerRequest, Route, RouteResponse } from "../route.js";

export const NOTE_TYPE = "text/plain; charset=utf-8";
export const TILE_TYPE = "application/octet-stream";
/** A checkpoint is signed at most once a second. */
export const CHECKPOINT_CACHE = "private, max-age=1";
export const KEY_CACHE = "private, max-age=300";
/** The bytes at a tile path never change. */
export const TILE_CACHE = "private, max-age=31536000, immutable";

const NoteSchema = z.string().describe("a C2SP signed note");
const VerifierKeySchema = z
  .string()
  .describe(
    "the note verifier key: <origin>+<8 hex key id>+<base64(0x01 ‖ Ed25519 key)>, one line",
  );
const TileSchema = z
  .string()
  .meta({ contentMediaType: TILE_TYPE })
  .describe(
    "the tile's hashes (32 bytes each), or the bundle's entries (uint16 length, then data)",
  );

function text(body: string, cache: string): RouteResponse {
  return { status: 200, raw: body, headers: { "content-type": NOTE_TYPE, "cache-control": cache } };
}

function tile(bytes: Uint8Array): RouteResponse {
  return {
    status: 200,
    raw: bytes,
    headers: { "content-type": TILE_TYPE, "cache-control": TILE_CACHE },
  };
}

/** The `/v1/log/*` routes also take a feed token (DESIGN §11, §14); a bulletin's proof does not. */
const LOG_ROUTE = {
  auth: "caller",
  role: "none",
  rateClass: "read",
  feedTokens: "accepted",
  body: "none",
} as const;

export function logRoutes(deps: HubDeps): Route[] {
  return [
    {
      method: "GET",
      path: "/v1/log/checkpoint",
      doc: {
        summary: "The transparency log's latest checkpoint (C2SP tlog-checkpoint, a signed note)",
        description:
          "Origin line, tree size, base64 root hash, a blank line, then the hub's signature(s). A new one comes within a second of a change, at most one a second; an empty log serves size 0.",
        responses: { 200: NoteSchema },
        mediaType: NOTE_TYPE,
      },
      ...LOG_ROUTE,
      handle: async () => text((await latestCheckpoint(deps)).note, CHECKPOINT_CACHE),
    },
    {
      method: "GET",
      path: "/v1/log/key",
      doc: {
        summary: "The log's note verifier key (Go's golang.org/x/mod/sumdb/note format)",
        description: "Pin it once, compared with what the operator publishes out of band.",
        responses: { 200: VerifierKeySchema },
        mediaType: NOTE_TYPE,
      },
      ...LOG_ROUTE,
      handle: async () => text(`${logIdentity(deps).verifierKey}\n`, KEY_CACHE),
    },
    {
      method: "GET",
      path: "/v1/log/tile/entries/{bundle+}",
      doc: {
        summary: "An entry bundle (C2SP tlog-tiles): the leaf data of 256 leaves, or `.p/W` of W",
        description:
          "`<N>` in the spec's form (`x001/x234/067`), then `.p/<W>` for a partial bundle. Each entry is the SHA-256 of a change's receipt. 404 for a path not in the spec's one spelling or beyond the latest checkpoint.",
        responses: { 200: TileSchema },
        mediaType: TILE_TYPE,
      },
      ...LOG_ROUTE,
      handle: async ({ param }: CallerRequest) =>
        tile(await servedTile(deps, `tile/entries/${param("bundle")}`)),
    },
    {
      method: "GET",
      path: "/v1/log/tile/{tile+}",
      doc: {
        summary: "A hash tile (C2SP tlog-tiles, height 8): `<L>/<N>[.p/<W>]`",
        description:
          "Level L, tile N in the spec's form (`x001/x234/067`), `.p/<W>` for a partial tile of W hashes. 404 for a path not in the spec's one spelling or beyond the latest checkpoint.",
        responses: { 200: TileSchema },
        mediaType: TILE_TYPE,
      },
      ...LOG_ROUTE,
      handle: async ({ param }: CallerRequest) =>
        tile(await servedTile(deps, `tile/${param("tile")}`)),
    },
    {
      method: "GET",
      path: "/v1/bulletins/{id}/proof",
      doc: {
        summary: "A bulletin's changes with their inclusion proofs in the latest checkpoint",
        description: "404 when the bulletin is hidden or missing alike.",
        responses: { 200: BulletinProofSchema },
      },
      auth: "caller",
      role: "none",
      rateClass: "read",
      body: "none",
      handle: async ({ caller, param }) => ({
        status: 200,
        body: await bulletinProof(deps, caller, param("id")),
      }),
    },
  ];
}
