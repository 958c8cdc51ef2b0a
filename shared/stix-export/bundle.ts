/**
 * `GET /v1/bulletins/{id}/stix` (DESIGN §12): one bulletin, at its latest version, as
 * one STIX 2.1 bundle with every object it references — and, when the caller may see
 * the bulletin it supersedes, that one's objects too, so every `derived-from` end is
 * in the bundle. The bulletin's own visibility governs (hidden and missing alike);
 * TLP:RED content leaves the hub by direct GET only (DESIGN §11), so a red bulletin's
 * recipient is told to read it there.
 */
import { isVisibleTo } from "../bulletins/visibility.js";
import { ForbiddenError, NotFoundError } from "../errors/errors.js";
import type { HubDeps } from "../hub/deps.js";
import type { BulletinHistory } from "../interop/history.js";
import { historyOf } from "../interop/record-history.js";
import { type StixBundle, stixBundle } from "../interop/stix/index.js";
import type { Organisation } from "../orgs/types.js";

export async function bulletinBundle(
  deps: Pick<HubDeps, "store" | "clock">,
  caller: Organisation,
  id: string,
): Promise<StixBundle> {
  const record = await deps.store.changes.bulletin(id);
  if (record === undefined || !isVisibleTo(record, caller)) throw new NotFoundError("bulletin");
  if (record.tlp === "red") {
    throw new ForbiddenError(
      `A TLP:RED bulletin is read by direct GET only (GET /v1/bulletins/${id}): it has no STIX form.`,
    );
  }
  const predecessor =
    record.supersedes === null ? undefined : await deps.store.changes.bulletin(record.supersedes);
  const names = await deps.store.orgs.getOrgs([record.issuer]);
  const issuerName = names.get(record.issuer)?.name ?? record.issuer;
  const now = deps.clock.now();
  const history = historyOf(record, issuerName, now);
  // Logged a moment after the publish answered: until then there is no version to show.
  if (history.changes.length === 0) throw new NotFoundError("bulletin");
  let before: BulletinHistory | undefined;
  if (predecessor !== undefined && predecessor.tlp !== "red" && isVisibleTo(predecessor, caller)) {
    const predecessorHistory = historyOf(predecessor, issuerName, now);
    if (predecessorHistory.changes.length > 0) before = predecessorHistory;
  }
  return stixBundle(history, before === undefined ? {} : { predecessor: before });
}
