/**
 * Changes (DESIGN §10): every accepted publication, revocation and supersession of a
 * bulletin is one change with a place in the hub's one log — a gapless `seq` from 0,
 * an `at` that strictly increases with it, and a hub receipt. Types that cross the
 * change protocol, its store port, the feed, fan-out and the transparency log.
 */
import * as z from "zod";
import type { Tlp } from "../bulletins/schema.js";

/** The changes a bulletin goes through, in the order a bulletin may meet them. */
export const CHANGE_KINDS = ["published", "superseded", "revoked"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** A change as the wire shows it: feed items, webhook bodies, the revoke answer, proofs. */
export const ChangeSchema = z
  .object({
    seq: z.int().min(0).describe("the change's place in the hub's log (its leaf index), from 0"),
    kind: z.enum(CHANGE_KINDS),
    at: z
      .string()
      .describe("when the hub committed the change (RFC 3339, microseconds); increases with seq"),
    receipt: z
      .string()
      .describe(
        "the change's hub receipt: the publish receipt (cordon-receipt+jws), or a cordon-change+jws",
      ),
  })
  .meta({ id: "Change" });
export type Change = z.infer<typeof ChangeSchema>;

/**
 * One entry of the log as the store keeps it: the change, its bulletin, and what
 * deciding visibility and the size of a feed item needs — so a reader picks what it
 * returns before it reads any bulletin in full.
 */
export interface LoggedChange extends Change {
  bulletin_id: string;
  issuer: string;
  tlp: Tlp;
  /** Fixed when the bulletin was accepted. */
  recipients: string[];
  /** An upper bound of the bulletin's served view in bytes (its JWS, payload and receipt). */
  view_bytes: number;
}

/**
 * Where one change stands in its protocol (shared/changes/protocol.ts), kept on the
 * bulletin item: each step records that it is done, so a re-drive resumes after it.
 */
export interface ChangeState {
  /** When the bulletin item took the change (the commit); `at` comes with the sequence. */
  committed_at: string;
  /** Its place in the log: claimed first (seq, at, receipt), then taken (`logged`). */
  seq?: number;
  at?: string;
  receipt?: string;
  /**
   * The log holds the change at `seq`. A claim alone is not enough: a driver that died
   * between claim and log entry leaves one that may yet move (changes/port.ts). Every
   * later step's record sets it too, so it costs no write of its own.
   */
  logged?: boolean;
  /** The status after this change is mirrored into the indicator index. */
  indexed?: boolean;
  /** A publication naming `supersedes`: the predecessor's supersession is committed (or refused). */
  predecessor_done?: boolean;
  fanned_out?: boolean;
}

/** The change of a state that holds its place in the log. */
export function changeOf(kind: ChangeKind, state: ChangeState | undefined): Change | undefined {
  if (
    state?.logged !== true ||
    state.seq === undefined ||
    state.at === undefined ||
    state.receipt === undefined
  )
    return undefined;
  return { seq: state.seq, kind, at: state.at, receipt: state.receipt };
}
