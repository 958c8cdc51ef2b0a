/**
 * The transparency log's verifiable core (DESIGN §14): RFC 6962/9162 hashing and
 * proofs, C2SP tlog-tiles (addressing, entry bundles, the incremental builder, a
 * verifying reader), C2SP signed notes and checkpoints. Everything exported here is
 * pure and runs in Node and in browsers; the hub's signer (Node only) is in
 * `hub-signer.ts`.
 */

export {
  type Checkpoint,
  formatCheckpoint,
  logOrigin,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type VerifiedCheckpoint,
} from "./checkpoint.js";
export {
  consistencyProofRanges,
  proveConsistency,
  verifyConsistency,
} from "./consistency.js";
export { decodeEntryBundle, encodeEntryBundle, MAX_ENTRY_BYTES } from "./entry-bundle.js";
export { isLogError, LOG_ERROR_CODES, LogError, type LogErrorCode } from "./errors.js";
export { EMPTY_ROOT, hashesEqual, leafHash, nodeHash } from "./hashing.js";
export {
  inclusionPathRanges,
  proveInclusion,
  rootFromInclusionProof,
  verifyInclusion,
} from "./inclusion.js";
export { receiptLeafData, receiptLeafHash } from "./leaves.js";
export {
  formatKeyId,
  isValidKeyName,
  MAX_NOTE_SIGNATURES,
  type Note,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  type OpenedNote,
  openNote,
  parseNote,
  signNote,
} from "./note.js";
export { treeRoot } from "./root.js";
export { type LeafRange, rangeSubtrees } from "./subtrees.js";
export {
  type AppendResult,
  appendLeaves,
  type BuiltTile,
  EMPTY_EDGE,
  edgeFromTiles,
  edgeRoot,
  type LogEdge,
} from "./tile-builder.js";
export { type HashTileReader, locateSubtree, tileHashSource } from "./tile-source.js";
export {
  allTiles,
  FULL_TILE_BYTES,
  formatTileIndex,
  parseTilePath,
  partialTiles,
  TILE_HEIGHT,
  TILE_WIDTH,
  tilePath,
  tilesAdded,
  tileWidth,
} from "./tiles.js";
export * from "./types.js";
export { type TileFetcher, VerifiedTileReader } from "./verified-tiles.js";
export {
  ED25519_SIGNATURE_TYPE,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatVerifierKey,
  noteKeyId,
  parseVerifierKey,
  type VerifierKey,
  type WebCryptoKey,
} from "./verifier-key.js";
export {
  type ExtendLogOptions,
  type ExtendLogResult,
  extendLog,
  type LoggedChange,
  type LogHead,
  type LogStore,
} from "./writer.js";
