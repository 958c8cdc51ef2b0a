/**
 * Rebuilds bulletin histories (DESIGN §10) from what the CLI reads: feed items, one
 * per change, each showing the bulletin's current state. With the item's `change`
 * (DESIGN §10) every change is one step of the history; from a hub that does not send
 * it yet, the history is made from the bulletin itself — published at `received_at`,
 * revoked at `revocation.revoked_at` — and a supersession, whose time the bulletin
 * does not tell, makes no version.
 */
import type { BulletinView } from "../shared/bulletins/wire.js";
import type { BulletinChange, BulletinHistory } from "../shared/interop/history.js";
import { type Change, type FeedItem, hasContent } from "./sdk/types.js";

/** A bulletin's history as known from the view alone (no `change` on items). */
export function historyFromView(view: BulletinView, issuerName: string): BulletinHistory {
  const changes: BulletinChange[] = [
    { seq: 0, kind: "published", at: view.received_at, receipt: view.receipt },
  ];
  if (view.revocation !== undefined) {
    changes.push({
      seq: 1,
      kind: "revoked",
      at: view.revocation.revoked_at,
      receipt: view.receipt,
    });
  }
  return { view, issuer_name: issuerName, changes };
}

/** The changes of one bulletin as `GET /v1/bulletins/{id}/proof` (§14) lists them. */
export function historyFromChanges(
  view: BulletinView,
  issuerName: string,
  changes: readonly Change[],
): BulletinHistory {
  return {
    view,
    issuer_name: issuerName,
    changes: changes.map(({ seq, kind, at, receipt }) => ({ seq, kind, at, receipt })),
  };
}

export interface TrackedChange {
  history: BulletinHistory;
  /** Which change of `history` this item reports (its index), or "all" without `change`. */
  step: number | "all";
  /** True the first time the bulletin is met. */
  first: boolean;
}

/** Follows the feed, keeping each bulletin's changes so far (ids and times only). */
export class HistoryTracker {
  private readonly changes = new Map<string, BulletinChange[]>();

  constructor(private readonly issuerName: (issuer: string, item: FeedItem) => string) {}

  /** The history this item advances, or undefined for a TLP:RED notice. */
  track(item: FeedItem): TrackedChange | undefined {
    if (!hasContent(item) || item.bulletin.tlp === "red") return undefined;
    const name = this.issuerName(item.issuer, item);
    const known = this.changes.get(item.id);
    if (item.change === undefined) {
      if (known !== undefined)
        return { history: historyFromChanges(item, name, known), step: "all", first: false };
      const history = historyFromView(item, name);
      this.changes.set(item.id, history.changes);
      return { history, step: "all", first: true };
    }
    const { seq, kind, at, receipt } = item.change;
    const list = known ?? [];
    const last = list[list.length - 1];
    // A feed resumed mid-history (or a repeat) cannot make a valid history: skip it.
    if ((last === undefined && kind !== "published") || (last !== undefined && last.seq >= seq)) {
      return undefined;
    }
    list.push({ seq, kind, at, receipt });
    this.changes.set(item.id, list);
    return {
      history: { view: item, issuer_name: name, changes: [...list] },
      step: list.length - 1,
      first: known === undefined,
    };
  }
}
