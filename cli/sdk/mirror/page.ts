/**
 * Turning one feed page into the changes to apply (DESIGN §9, §10, §17): each
 * bulletin's content is verified the first time the mirror meets it — from the item,
 * or for TLP:RED (a notice in the feed) by a direct GET — and each change's receipt
 * is checked; what does not verify becomes a change kept aside. Verification runs
 * concurrently; the changes come out in the feed's order, ready for one transaction.
 */

import { mapConcurrent } from "../../../shared/async/concurrency.js";
import type { StoredStatus } from "../../../shared/bulletins/types.js";
import type { BulletinView, FeedItem } from "../../../shared/bulletins/wire.js";
import type { ChangeKind } from "../../../shared/changes/types.js";
import type { KeySource } from "./keys.js";
import { laterStatus } from "./store.js";
import type { ChangeOp, HeldDigest } from "./types.js";
import { type ContentCheck, checkChange, checkContent, type Refusal } from "./verification.js";

/** Verifications (and TLP:RED reads) in flight at once. */
const CONCURRENCY = 8;

export interface PageContext {
  /** What the mirror already holds of the page's bulletins. */
  held: ReadonlyMap<string, HeldDigest>;
  keys: KeySource;
  /** A TLP:RED bulletin by direct GET; undefined when the hub answers 404. */
  readContent(id: string): Promise<BulletinView | undefined>;
  /** When the page was read (the mirror's clock, ms). */
  readAt: number;
}

/** The status a change leaves its bulletin in, at least. */
const STATUS_AFTER: Record<ChangeKind, StoredStatus> = {
  published: "active",
  superseded: "superseded",
  revoked: "revoked",
};

export async function verifyPage(
  items: readonly FeedItem[],
  ctx: PageContext,
): Promise<ChangeOp[]> {
  const [contents, receipts] = await Promise.all([
    checkNewContent(items, ctx),
    checkChangeReceipts(items, ctx),
  ]);
  const held = new Map(ctx.held);
  const ops: ChangeOp[] = [];
  for (const item of items) {
    const change = { seq: item.change.seq, kind: item.change.kind, at: item.change.at };
    const setAside = (refusal: Refusal): ChangeOp => ({
      outcome: "set_aside",
      change,
      bulletin_id: item.id,
      issuer: item.issuer,
      ...refusal,
    });
    let digest = held.get(item.id);
    let content: ContentCheck | undefined;
    if (digest === undefined) {
      content = contents.get(item.id);
      if (content === undefined) throw new Error(`no content check for ${item.id}`);
      if (!content.ok) {
        ops.push(setAside(content));
        continue;
      }
      digest = { ...content.bulletin, status: "active" };
    } else if ("content_sha256" in item && item.content_sha256 !== digest.content_sha256) {
      ops.push(
        setAside({
          code: "ERR_CONTENT_CHANGED",
          message: "The feed shows a bulletin the mirror holds with other content.",
        }),
      );
      continue;
    }
    const mismatch = claimMismatch(item, digest);
    if (mismatch !== undefined) {
      ops.push(
        setAside({
          code: "ERR_ITEM_MISMATCH",
          message: `The feed's ${mismatch} differs from the signed bulletin's.`,
        }),
      );
      continue;
    }
    // A publication's receipt is the bulletin's own; the others were checked against the
    // item's id and issuer, which claimMismatch has just held to the bulletin's.
    const refusal =
      change.kind === "published"
        ? await checkChange(item.change, digest, ctx.keys, ctx.readAt)
        : receipts.get(change.seq);
    if (refusal !== undefined) {
      ops.push(setAside(refusal));
      continue;
    }
    // The status follows the verified changes alone: the item's own `status` and
    // `revocation` are not signed, so a feed that says "revoked" before the revocation's
    // change receipt verifies must not stop the bulletin matching (expiry is the clock's).
    const status = laterStatus(digest.status, STATUS_AFTER[change.kind]);
    ops.push({
      outcome: "applied",
      change,
      bulletin_id: item.id,
      ...(content?.ok === true ? { content: content.bulletin } : {}),
      status,
      ...(change.kind === "revoked" && item.revocation !== undefined
        ? { revocation: item.revocation }
        : {}),
    });
    held.set(item.id, { ...digest, status });
  }
  return ops;
}

/**
 * Verifies, once each, the bulletins of the page the mirror does not hold: from the
 * first item that carries the content, else (TLP:RED) from a direct GET.
 */
async function checkNewContent(
  items: readonly FeedItem[],
  ctx: PageContext,
): Promise<Map<string, ContentCheck>> {
  const sources = new Map<string, BulletinView | undefined>();
  for (const item of items) {
    if (ctx.held.has(item.id)) continue;
    if (sources.get(item.id) === undefined) {
      sources.set(item.id, "jws" in item ? item : undefined);
    }
  }
  const checked = await mapConcurrent(
    [...sources],
    CONCURRENCY,
    async ([id, view]): Promise<[string, ContentCheck]> => {
      const source = view ?? (await ctx.readContent(id));
      if (source === undefined || source.id !== id) {
        return [
          id,
          {
            ok: false,
            code: "ERR_CONTENT_UNAVAILABLE",
            message: "The hub did not answer this TLP:RED bulletin's content to a direct GET.",
          },
        ];
      }
      return [id, await checkContent(source, ctx.keys, ctx.readAt)];
    },
  );
  return new Map(checked);
}

/** The hub's receipts of the page's revocations and supersessions, checked concurrently. */
async function checkChangeReceipts(
  items: readonly FeedItem[],
  ctx: PageContext,
): Promise<Map<number, Refusal | undefined>> {
  const changes = items.filter((item) => item.change.kind !== "published");
  const checked = await mapConcurrent(changes, CONCURRENCY, async (item) => {
    const refusal = await checkChange(
      item.change,
      { id: item.id, issuer: item.issuer, receipt: "" },
      ctx.keys,
      ctx.readAt,
    );
    return [item.change.seq, refusal] as const;
  });
  return new Map(checked);
}

/** What a feed item claims besides content, against the verified bulletin. */
function claimMismatch(item: FeedItem, held: HeldDigest): string | undefined {
  if (item.issuer !== held.issuer) return "issuer";
  if (item.received_at !== held.received_at) return "received_at";
  // A notice says TLP:RED; an item with content must not be a TLP:RED bulletin's.
  if (("tlp" in item && item.tlp === "red") !== (held.tlp === "red")) return "tlp";
  return undefined;
}
