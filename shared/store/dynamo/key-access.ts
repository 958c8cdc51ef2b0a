/**
 * Which partitions of the single table each hub function reads and writes, named by
 * the partition-key prefixes keys.ts builds keys with, and which indexes it queries.
 * lib/storage.ts turns this into each Lambda's IAM policy (`dynamodb:LeadingKeys`
 * conditions, issue 13), so the function that talks to partners' servers (deliver)
 * cannot read replay guards, indicators or the log, nor write bulletins.
 *
 * One list, next to keys.ts: a key kind added there without a partition here fails
 * tests/unit/store/key-access.test.ts, and one a function uses without a grant here
 * is refused on AWS — so add the partition and give it to the functions that touch it.
 */

/** Each partition by what lives there: a prefix of `pk`, or (`exact`) the whole `pk`. */
export const PARTITIONS = {
  /** The organisation directory: every organisation with its keys. */
  organisation: { pk: "ORGS", exact: true },
  /** What an organisation holds against a cap (`ORG#{id}`, roster.ts). */
  roster: { pk: "ORG#" },
  /** The count of active admin organisations. */
  adminGuard: { pk: "GUARD", exact: true },
  /** The table's layout stamp (the local hub's alone). */
  layout: { pk: "META", exact: true },
  replayGuard: { pk: "JTI#" },
  /** Bulletins and their sightings. */
  bulletin: { pk: "BUL#" },
  indicator: { pk: "IND#" },
  /** The change log. */
  log: { pk: "LOG", exact: true },
  /** The transparency log's head (its size, root and latest checkpoint). */
  logHead: { pk: "TLOG", exact: true },
  /** The transparency log's immutable tiles and entry bundles (`TLOG#{level}/{index}`). */
  logTile: { pk: "TLOG#" },
  /** Every subscription. */
  subscription: { pk: "SUBS", exact: true },
  delivery: { pk: "DLV#" },
  /** The webhook-id references of deliveries. */
  deliveryRef: { pk: "DLVW#" },
  rateLimit: { pk: "RL#" },
  /** Feed tokens by id (their digests, never the tokens). */
  feedToken: { pk: "FTOK#" },
  /** Where each shared STIX object was first served to each class of TAXII readers. */
  introduction: { pk: "STIXINTRO#" },
} as const satisfies Record<string, { pk: string; exact?: boolean }>;

export type Partition = keyof typeof PARTITIONS;

export type HubFunctionName = "api" | "fanout" | "deliver" | "sweeper" | "log";

export interface TableAccess {
  /** Partitions read (item reads and table queries); a written partition may be read too. */
  reads: readonly Partition[];
  writes: readonly Partition[];
  /** Global secondary indexes queried, by name (their keys are not partitions above). */
  indexes: readonly string[];
}

const EVERY_PARTITION = Object.keys(PARTITIONS) as Partition[];
/** The transparency log, written by its single writer alone (DESIGN §14). */
const TRANSPARENCY_LOG: readonly Partition[] = ["logHead", "logTile"];

export const TABLE_ACCESS: Readonly<Record<HubFunctionName, TableAccess>> = {
  // Every route: authentication (organisations, replay guards, rate limits), onboarding
  // (the admin guard), publish and the change protocol it drives (bulletins, indicators,
  // the log), screening, sightings, subscriptions and their roster, pings and resends
  // (deliveries and their references), feed tokens and the TAXII collection's
  // introductions, the transparency log's routes (read only). No
  // index: none decides anything (DESIGN §10).
  api: {
    reads: EVERY_PARTITION.filter((p) => p !== "layout"),
    writes: EVERY_PARTITION.filter((p) => p !== "layout" && !TRANSPARENCY_LOG.includes(p)),
    indexes: [],
  },
  // A change or sighting: the bulletin (without its JWS) and its sighting, every
  // subscription and their organisations, deliveries written if absent; marks the change done.
  fanout: {
    reads: ["organisation", "subscription", "bulletin", "delivery"],
    writes: ["bulletin", "delivery", "deliveryRef"],
    indexes: [],
  },
  // One attempt: the delivery, its subscription and organisation, the bulletin or
  // sighting it carries; writes the delivery and the subscription's failure state.
  deliver: {
    reads: ["organisation", "subscription", "bulletin", "delivery"],
    writes: ["subscription", "delivery"],
    indexes: [],
  },
  // The outbox index, and driving a bulletin change again (its place in the log, its
  // status into the indicator index, a supersession); postpones deliveries and sightings;
  // watches how far the transparency log's head is behind the change log.
  sweeper: {
    reads: ["bulletin", "indicator", "log", "delivery", "logHead"],
    writes: ["bulletin", "indicator", "log", "delivery"],
    indexes: ["work"],
  },
  // The single writer: the changes after its head, then its tiles and the head itself.
  log: {
    reads: ["log", ...TRANSPARENCY_LOG],
    writes: [...TRANSPARENCY_LOG],
    indexes: [],
  },
};

/** `dynamodb:LeadingKeys` patterns (StringLike) of these partitions. */
export function leadingKeyPatterns(partitions: readonly Partition[]): string[] {
  return [...new Set(partitions)]
    .map((name) => {
      const partition: { pk: string; exact?: boolean } = PARTITIONS[name];
      return partition.exact === true ? partition.pk : `${partition.pk}*`;
    })
    .sort();
}

/** The partition a `pk` is in, if any: what the test holding keys.ts to this list uses. */
export function partitionOf(pk: string): Partition | undefined {
  return EVERY_PARTITION.find((name) => {
    const partition: { pk: string; exact?: boolean } = PARTITIONS[name];
    return partition.exact === true ? pk === partition.pk : pk.startsWith(partition.pk);
  });
}
