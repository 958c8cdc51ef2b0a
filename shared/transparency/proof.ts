/**
 * `GET /v1/bulletins/{id}/proof` (DESIGN §14): the latest checkpoint and, for each
 * logged change of a bulletin the caller may see (hidden and missing alike are 404),
 * its place in the log with the inclusion path that leads from its receipt's leaf to
 * that checkpoint's root. The hub builds the path from its own stored tiles; the caller
 * verifies it (cli/sdk/log.ts `verifyInclusion`) and trusts none of it.
 */
import { base64 } from "@scure/base";
import { visibleBulletin } from "../bulletins/lifecycle.js";
import { CHANGE_KINDS, type Change, changeOf } from "../changes/types.js";
import type { HubDeps } from "../hub/deps.js";
import { proveInclusion } from "../log/inclusion.js";
import { tileHashSource } from "../log/tile-source.js";
import type { Organisation } from "../orgs/types.js";
import { latestCheckpoint } from "./serve.js";
import type { BulletinProof } from "./wire.js";

export async function bulletinProof(
  deps: Pick<HubDeps, "store" | "audience" | "hubKeys">,
  caller: Organisation,
  id: string,
): Promise<BulletinProof> {
  const record = await visibleBulletin(deps, caller, id);
  const checkpoint = await latestCheckpoint(deps);
  const hashes = tileHashSource(checkpoint.size, (tile) => deps.store.log.readTile(tile));
  const changes = CHANGE_KINDS.map((kind) => changeOf(kind, record.changes[kind]))
    .filter((change): change is Change => change !== undefined)
    .sort((a, b) => a.seq - b.seq);
  return {
    checkpoint: checkpoint.note,
    changes: await Promise.all(
      changes.map(async (change) => ({
        ...change,
        inclusion:
          change.seq < checkpoint.size
            ? (await proveInclusion(change.seq, checkpoint.size, hashes)).map((hash) =>
                base64.encode(hash),
              )
            : null,
      })),
    ),
  };
}
