/** Bulletins as the hub keeps and serves them. */
import type { Chain, IndicatorType } from "../indicators/index.js";
import type { Category, Tlp } from "./schema.js";
import type { Revocation } from "./wire.js";

/** What a bulletin's status is as served: stored, or `expired` once `valid_until` passed. */
export const BULLETIN_STATUSES = ["active", "revoked", "superseded", "expired"] as const;
export type BulletinStatus = (typeof BULLETIN_STATUSES)[number];
export type StoredStatus = Exclude<BulletinStatus, "expired">;

/** The changes a bulletin goes through; each is one entry of the change feed. */
export const CHANGE_KINDS = ["published", "superseded", "revoked"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/**
 * Where one change stands in the outbox: `indexed` once screening sees it, `seq` once
 * it holds its place in the feed, `fanned_out` once its deliveries are written and queued.
 */
export interface ChangeState {
  at: string;
  seq?: number;
  /** The status after this change is mirrored into the indicator index. */
  indexed?: boolean;
  fanned_out?: boolean;
}

/** The fields every surface needs to decide visibility and to filter, without the JWS. */
export interface BulletinMeta {
  id: string;
  issuer: string;
  tlp: Tlp;
  category: Category;
  confidence: number;
  issued_at: string;
  valid_until: string | null;
  received_at: string;
  status: StoredStatus;
  /** Organisations named in `audience` plus the members of its groups when accepted. */
  recipients: string[];
  chains: Chain[];
  indicator_types: IndicatorType[];
}

export interface BulletinRecord extends BulletinMeta {
  /** Exactly as the publisher sent it. */
  jws: string;
  /** The publisher key that signed it. */
  kid: string;
  content_sha256: string;
  receipt: string;
  supersedes: string | null;
  superseded_by?: string;
  revocation?: Revocation;
  changes: Partial<Record<ChangeKind, ChangeState>>;
  version: number;
}

export type { BulletinView, RedNotice, Revocation } from "./wire.js";
