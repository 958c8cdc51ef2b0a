/** Bulletins as the hub keeps and serves them. */
import type { Chain, IndicatorType } from "../indicators/index.js";
import type { BulletinPayload, Category, Tlp } from "./schema.js";

export type StoredStatus = "active" | "revoked" | "superseded";
export type BulletinStatus = StoredStatus | "expired";

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

export interface Revocation {
  reason: string;
  revoked_at: string;
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

/** `GET /v1/bulletins/{id}`, feed items and webhook `data` (DESIGN §9). */
export interface BulletinView {
  id: string;
  issuer: string;
  status: BulletinStatus;
  received_at: string;
  content_sha256: string;
  bulletin: BulletinPayload;
  jws: string;
  receipt: string;
  revocation?: Revocation;
}

/** What leaves the hub for TLP:RED, outside a recipient's direct GET. */
export interface RedNotice {
  id: string;
  issuer: string;
  tlp: "red";
  status: BulletinStatus;
  received_at: string;
  revocation?: Revocation;
}
