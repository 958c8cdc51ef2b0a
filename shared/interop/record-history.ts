/**
 * A stored bulletin as the history the interop mappings read (history.ts): its served
 * view, its publisher's display name, and its changes that hold a place in the log,
 * oldest first. The hub's TAXII collection, MISP feed and `GET …/stix` all build
 * their objects from this, so they agree with each other and with `cordon export`.
 */
import type { BulletinRecord } from "../bulletins/types.js";
import { toBulletinView } from "../bulletins/view.js";
import { CHANGE_KINDS } from "../changes/types.js";
import type { BulletinChange, BulletinHistory } from "./history.js";

/**
 * `throughSeq`: the changes up to this place in the log, for a reader walking the log
 * (every change of the bulletin before it is logged by then, and a change at this
 * place may not be marked logged on the bulletin yet). Without it: the changes marked
 * logged.
 */
export function historyOf(
  record: BulletinRecord,
  issuerName: string,
  now: Date,
  throughSeq?: number,
): BulletinHistory {
  const changes: BulletinChange[] = [];
  for (const kind of CHANGE_KINDS) {
    const state = record.changes[kind];
    if (state?.seq === undefined || state.at === undefined || state.receipt === undefined) continue;
    const logged = throughSeq === undefined ? state.logged === true : state.seq <= throughSeq;
    if (logged) changes.push({ seq: state.seq, kind, at: state.at, receipt: state.receipt });
  }
  changes.sort((a, b) => a.seq - b.seq);
  const history: BulletinHistory = {
    view: toBulletinView(record, now),
    issuer_name: issuerName,
    changes,
  };
  if (record.superseded_by !== undefined) history.superseded_by = record.superseded_by;
  return history;
}
