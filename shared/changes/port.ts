/**
 * The change log's store port: what the change protocol asks of storage, in its own
 * words. `shared/store/dynamo/changes.ts` implements it over the one table — with the
 * workarounds the embedded DynamoDB server needs (index entries written ahead of the
 * commit and confirmed on read, the sequence claim) kept inside it — and unit tests
 * use an in-memory fake. Every write named `commit…` is the one conditional write
 * that makes a change happen; every step after it is idempotent.
 */
import type { BulletinMeta, BulletinRecord, Revocation } from "../bulletins/types.js";
import type { IndexedBulletin } from "../store/types.js";
import type { Change, ChangeKind, LoggedChange } from "./types.js";

/** What deciding whether a caller may see a bulletin needs, read before the bulletin itself. */
export type BulletinAccess = Pick<
  BulletinRecord,
  "id" | "issuer" | "tlp" | "recipients" | "content_sha256"
>;

/** A bulletin without its JWS: what fan-out and sightings read. */
export type BulletinSummary = BulletinMeta & Pick<BulletinRecord, "changes" | "revocation">;

/** Signs the receipt of a change once its place is known. */
export type ReceiptSigner = (seq: number, at: string) => Promise<string>;

/** The steps a change records as done on its bulletin (besides its sequence). */
export type ChangeStep = "indexed" | "predecessor_done" | "fanned_out";

export interface ChangeStore {
  bulletin(id: string): Promise<BulletinRecord | undefined>;
  /**
   * The bulletin whose canonical id (shared/bulletins/canonical-id.ts) this is, whatever
   * its own id: where a MISP event uuid or a STIX id leads. Every other read answers
   * only the id asked for.
   */
  bulletinByCanonicalId(canonicalId: string): Promise<BulletinRecord | undefined>;
  bulletinAccess(id: string): Promise<BulletinAccess | undefined>;
  /** Full records by id; missing ids are absent. */
  bulletins(ids: readonly string[]): Promise<Map<string, BulletinRecord>>;
  /** What visibility, subscription filters and the protocol need, without the JWS. */
  bulletinMetas(ids: readonly string[]): Promise<Map<string, BulletinSummary>>;

  /**
   * Commits a publication: the bulletin becomes readable and screenable under the
   * indicators given, and its `published` change is on the outbox (due at `due`).
   * False when the id is taken, or another id with its canonical id is.
   */
  commitPublication(
    record: BulletinRecord,
    indicators: readonly string[],
    due: string,
  ): Promise<boolean>;
  /** False unless the bulletin is `issuer`'s and not yet revoked. */
  commitRevocation(
    id: string,
    issuer: string,
    revocation: Revocation,
    due: string,
  ): Promise<boolean>;
  /** False unless the bulletin is `issuer`'s, active, and not yet superseded. */
  commitSupersession(
    id: string,
    issuer: string,
    by: string,
    committedAt: string,
    due: string,
  ): Promise<boolean>;

  /**
   * Gives a committed change of `record` (as the caller last read it) its place in the
   * log — once, whoever asks and however often: the next `seq`, an `at` later than its
   * predecessor's, and the receipt `sign` makes for them. Answers the change as logged.
   */
  sequence(
    record: BulletinRecord,
    kind: ChangeKind,
    now: Date,
    sign: ReceiptSigner,
  ): Promise<Change>;
  /** Mirrors the bulletin's current status into the index entries of these indicators. */
  mirrorStatus(record: BulletinRecord, indicators: readonly string[]): Promise<void>;
  /**
   * Records a step done — and that the change is logged, which every step comes after;
   * answers the bulletin as it now is (undefined: no such change).
   */
  markDone(id: string, kind: ChangeKind, step: ChangeStep): Promise<BulletinRecord | undefined>;
  /** Takes the bulletin off the outbox, if it has not changed since `version`. */
  finish(id: string, version: number): Promise<void>;

  /** Logged changes with seq > `afterSeq`, oldest first, at most `limit`. */
  changesAfter(afterSeq: number, limit: number): Promise<LoggedChange[]>;
  /** The last logged change, if any. */
  lastChange(): Promise<LoggedChange | undefined>;
  /**
   * The index entries of committed bulletins naming each indicator, with their
   * current status. Indicators no bulletin names are absent.
   */
  committedMatches(indicators: readonly string[]): Promise<Map<string, IndexedBulletin[]>>;
}
