/** Types that cross the mirror's modules: what it holds, what a page applies, what it reports. */
import type { AcceptedMeta } from "../../../shared/bulletins/accepted-meta.js";
import type { Revocation, StoredStatus } from "../../../shared/bulletins/types.js";
import type { ChangeKind } from "../../../shared/changes/types.js";
import type { Role } from "../../../shared/orgs/types.js";
import type { SetAsideCode } from "./errors.js";

/** A bulletin whose JWS and receipt verified: what the mirror screens on, and the evidence. */
export interface HeldBulletin extends AcceptedMeta {
  id: string;
  issuer: string;
  received_at: string;
  content_sha256: string;
  /** The publisher key that signed it. */
  kid: string;
  /** The publisher's compact JWS, byte for byte. */
  jws: string;
  /** The hub's receipt (cordon-receipt+jws). */
  receipt: string;
  /** Its normalised indicators, as the hub indexes them. */
  indicators: string[];
}

/** A change as the mirror logs it: its place in the hub's log. */
export interface SeenChange {
  seq: number;
  kind: ChangeKind;
  at: string;
}

/** One change of a feed page, verified and ready to apply in the page's transaction. */
export type ChangeOp =
  | {
      outcome: "applied";
      change: SeenChange;
      bulletin_id: string;
      /** The bulletin's content, when this change is the first the mirror holds of it. */
      content?: HeldBulletin;
      /** Its stored status after this change (never moves back: see `laterStatus`). */
      status: StoredStatus;
      revocation?: Revocation;
    }
  | {
      outcome: "set_aside";
      change: SeenChange;
      bulletin_id: string;
      issuer: string;
      code: SetAsideCode;
      message: string;
    };

/** One feed page, verified: its changes in order and where the feed resumes after it. */
export interface VerifiedPage {
  ops: ChangeOp[];
  next_cursor: string;
  /** Set when this page reached the end of the feed (`has_more: false`). */
  caught_up_at?: string;
}

/** What the mirror keeps about itself besides bulletins. */
export interface MirrorState {
  hub: string;
  org: string;
  cursor: string | null;
  last_seq: number | null;
  last_at: string | null;
  /** When a page last answered `has_more: false` (the mirror's clock). */
  caught_up_at: string | null;
  /** The organisation's roles and status as `GET /v1/me` last answered, and when. */
  roles: Role[] | null;
  org_status: string | null;
  me_at: string | null;
}

/** What the mirror holds of a bulletin it has (no JWS): enough to apply a later change. */
export interface HeldDigest {
  id: string;
  issuer: string;
  tlp: HeldBulletin["tlp"];
  received_at: string;
  content_sha256: string;
  receipt: string;
  status: StoredStatus;
}

/** A change kept aside because something about it did not verify. */
export interface SetAsideChange {
  seq: number;
  kind: ChangeKind;
  at: string;
  bulletin_id: string;
  issuer: string;
  code: SetAsideCode;
  message: string;
}

/** `mirror.status()`: how fresh and how large the mirror is. */
export interface MirrorStatus {
  path: string;
  hub: string;
  org: string;
  schema_version: number;
  /** The last change applied (or kept aside): its seq and when the hub committed it. */
  last_change: { seq: number; at: string } | null;
  /** When the mirror last reached the end of the feed; null if it never has. */
  caught_up_at: string | null;
  /** Milliseconds since then, by the mirror's clock: how stale it may be at most, unless the hub was unreachable. */
  lag_ms: number | null;
  /** Verified bulletins held, whatever their status. */
  bulletins: number;
  /** Of those, the ones active now (not revoked, superseded or expired). */
  active_bulletins: number;
  /** Distinct normalised indicators the held bulletins name. */
  indicators: number;
  /** Changes applied or kept aside, since the mirror began. */
  changes: number;
  /** Changes kept aside because they did not verify (`mirror.setAside()` lists them). */
  unverifiable: number;
  /** Whether the organisation had the `screen` role when the mirror last read `GET /v1/me`. */
  screen_role: boolean | null;
}

/** What one `sync()` did. */
export interface SyncReport {
  pages: number;
  applied: number;
  set_aside: number;
  /** It reached the end of the feed. */
  caught_up: boolean;
  last_seq: number | null;
}
