/**
 * A hub operator gone rogue, for the auditor's tests: it rewrites the transparency log
 * under a running local hub — the tiles and the head in the table itself — as anyone
 * holding the table and the hub's key could: other leaves, a corrupted signature, a
 * checkpoint signed by another key. Tiles are overwritten in place, not appended, so
 * every route serves the rewritten log at once.
 */

import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { base64 } from "@scure/base";
import type { LocalHub } from "../../local/hub.js";
import { signCheckpoint } from "../../shared/log/checkpoint.js";
import { receiptLeafData } from "../../shared/log/leaves.js";
import type { NoteSigner } from "../../shared/log/note.js";
import { appendLeaves, EMPTY_EDGE } from "../../shared/log/tile-builder.js";
import { key } from "../../shared/store/dynamo/keys.js";
import { logIdentity } from "../../shared/transparency/identity.js";

export interface RogueCheckpoint {
  /** Sign with this key instead of the hub's. */
  signer?: NoteSigner;
  /** Flip a bit of the signature after signing. */
  corruptSignature?: boolean;
}

export class RogueLog {
  readonly #documents: DynamoDBDocumentClient;

  constructor(private readonly hub: LocalHub) {
    this.#documents = DynamoDBDocumentClient.from(hub.dynamoClient);
  }

  /** Every logged change's receipt, in seq order: the honest leaves. */
  async receipts(): Promise<string[]> {
    const changes = await this.hub.deps.store.changes.changesAfter(-1, 100_000);
    return changes.map((change) => change.receipt);
  }

  /** The hub's own checkpoint signers. */
  async hubSigners(): Promise<NoteSigner[]> {
    return logIdentity(this.hub.deps).signers();
  }

  /**
   * Stores a log of exactly these leaves (receipts) over whatever is stored, and a head
   * with its checkpoint; answers the checkpoint note as the hub now serves it.
   */
  async rewrite(receipts: readonly string[], options: RogueCheckpoint = {}): Promise<string> {
    const { origin } = logIdentity(this.hub.deps);
    const built = appendLeaves(EMPTY_EDGE, receipts.map(receiptLeafData));
    for (const tile of built.tiles) {
      const { level, index, width } = tile.address;
      await this.put({ ...key.logTile(level, index, width), kind: "log-tile", bytes: tile.bytes });
    }
    let note = await signCheckpoint(
      { origin, size: receipts.length, rootHash: built.rootHash, extensions: [] },
      options.signer ?? (await this.hubSigners()),
    );
    if (options.corruptSignature === true) note = corrupt(note);
    await this.put({
      ...key.logHead(),
      kind: "log-head",
      size: receipts.length,
      root: built.rootHash,
      checkpoint: note,
      signed_at: Date.now(),
    });
    return note;
  }

  private async put(item: Record<string, unknown>): Promise<void> {
    await this.#documents.send(new PutCommand({ TableName: this.hub.table.name, Item: item }));
  }
}

/** The note with one bit of its (first) signature flipped. */
function corrupt(note: string): string {
  const at = note.lastIndexOf(" ") + 1;
  const signature = base64.decode(note.slice(at, -1));
  signature[12] = (signature[12] as number) ^ 1;
  return `${note.slice(0, at)}${base64.encode(signature)}\n`;
}
