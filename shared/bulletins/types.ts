/** Bulletins as the hub keeps and serves them. */
import type { ChangeKind, ChangeState } from "../changes/types.js";
import type { Chain, IndicatorType } from "../indicators/index.js";
import type { Category, Tlp } from "./schema.js";
import type { Revocation } from "./wire.js";

/** What a bulletin's status is as served: stored, or `expired` once `valid_until` passed. */
export const BULLETIN_STATUSES = ["active", "revoked", "superseded", "expired"] as const;
export type BulletinStatus = (typeof BULLETIN_STATUSES)[number];
export type StoredStatus = Exclude<BulletinStatus, "expired">;

/** The fields every surface needs to decide visibility and to filter, without the JWS. */
export interface BulletinMeta {
  id: string;
  issuer: string;
  tlp: Tlp;
  category: Category;
  confidence: number;
  /** The payload's `issued_at` as the same instant in UTC, so instants compare as text. */
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
  /** Each change the bulletin took, and how far its protocol has gone (changes/protocol.ts). */
  changes: Partial<Record<ChangeKind, ChangeState>>;
  /** Bumped by every commit (publication, supersession, revocation); not by protocol steps. */
  version: number;
}

export type { BulletinView, RedNotice, Revocation } from "./wire.js";
