/**
 * Bitcoin mainnet addresses: Base58Check P2PKH (`1…`) and P2SH (`3…`), kept as given,
 * and native segwit (`bc1…`, bech32 for v0 and bech32m for v1+), lower-cased.
 * Test-network addresses are refused: an indicator names money on mainnet.
 */
import { checkBase58Check } from "./base58.js";
import { refuse, valueOrThrow } from "./errors.js";
import { boundedTrimmed } from "./input.js";
import { checkSegwitAddress } from "./segwit.js";
import { MAX_ADDRESS_LENGTH, type ValueResult } from "./types.js";

const P2PKH = 0x00;
const P2SH = 0x05;
const TESTNET_VERSIONS = [0x6f, 0xc4];

export function validate(value: string): ValueResult {
  const input = boundedTrimmed(value, MAX_ADDRESS_LENGTH);
  if (!input.ok) return input;
  const address = input.value;
  if (/^bc1/i.test(address)) return checkSegwitAddress(address, "bc", "Bitcoin");
  if (/^(tb|bcrt)1/i.test(address)) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      "A test-network address; only mainnet addresses are accepted.",
    );
  }
  return checkBase58Check(address, {
    payloadLength: 21,
    versions: [P2PKH, P2SH],
    testVersions: TESTNET_VERSIONS,
    what: "a Bitcoin address",
  });
}

/** The canonical address; throws an `IndicatorError` at `/address` when invalid. */
export function normalise(value: string): string {
  return valueOrThrow(validate(value), "/address");
}
