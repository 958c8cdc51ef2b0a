/**
 * Litecoin mainnet addresses: Base58Check with version 0x30 (`L…`), 0x32 (`M…`) or the
 * older P2SH 0x05 (`3…`), kept as given, and native segwit (`ltc1…`, same witness
 * rules as Bitcoin), lower-cased. Test-network addresses are refused.
 */
import { checkBase58Check } from "./base58.js";
import { refuse, valueOrThrow } from "./errors.js";
import { boundedTrimmed } from "./input.js";
import { checkSegwitAddress } from "./segwit.js";
import { MAX_ADDRESS_LENGTH, type ValueResult } from "./types.js";

const P2PKH = 0x30;
const P2SH = 0x32;
const LEGACY_P2SH = 0x05;
const TESTNET_VERSIONS = [0x6f, 0x3a, 0xc4];

function checkBase58(address: string): ValueResult {
  return checkBase58Check(address, {
    payloadLength: 21,
    versions: [P2PKH, P2SH, LEGACY_P2SH],
    testVersions: TESTNET_VERSIONS,
    what: "a Litecoin address",
  });
}

export function validate(value: string): ValueResult {
  const input = boundedTrimmed(value, MAX_ADDRESS_LENGTH);
  if (!input.ok) return input;
  const address = input.value;
  if (/^ltc1/i.test(address)) {
    const segwit = checkSegwitAddress(address, "ltc", "Litecoin");
    // "LTC1" is also a possible start of a Base58 `L…` address, so that spelling
    // gets a second chance as Base58 before the bech32 refusal stands.
    if (segwit.ok || !address.startsWith("LTC1")) return segwit;
    const legacy = checkBase58(address);
    // Mixed case rules bech32 out, so then the Base58 verdict is the one to report.
    return legacy.ok || address !== address.toUpperCase() ? legacy : segwit;
  }
  if (/^(tltc|rltc)1/i.test(address)) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      "A test-network address; only mainnet addresses are accepted.",
    );
  }
  return checkBase58(address);
}

/** The canonical address; throws an `IndicatorError` at `/address` when invalid. */
export function normalise(value: string): string {
  return valueOrThrow(validate(value), "/address");
}
