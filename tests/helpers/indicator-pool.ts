/**
 * Seeded indicators for differential tests: families of spellings that normalise to one
 * indicator (checksummed and lower-case EVM addresses, bech32 in either case, Telegram
 * links and handles), the same address on other chains, and inputs the hub refuses.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bech32, createBase58check } from "@scure/base";
import { toChecksumAddress } from "../../shared/indicators/evm.js";
import type { Random } from "./seeded-random.js";

const base58check = createBase58check(sha256);

export type Spelling = Record<string, unknown>;

/** One indicator and the spellings that name it. */
export interface Family {
  spellings: Spelling[];
}

function bytes(random: Random, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => random.int(0, 255));
}

function hex(random: Random, length: number): string {
  return Buffer.from(bytes(random, length)).toString("hex");
}

const EVM_CHAINS = ["ethereum", "bsc", "polygon"] as const;

export function randomFamily(random: Random): Family {
  switch (random.int(0, 4)) {
    case 0: {
      const lower = `0x${hex(random, 20)}`;
      const chain = random.pick(EVM_CHAINS);
      return {
        spellings: [lower, toChecksumAddress(lower)].map((address) => ({
          type: "crypto_address",
          chain,
          address,
        })),
      };
    }
    case 1: {
      const address = base58check.encode(Uint8Array.of(0x41, ...bytes(random, 20)));
      return { spellings: [{ type: "crypto_address", chain: "tron", address, asset: "USDT" }] };
    }
    case 2: {
      const address = bech32.encode("bc", [0, ...bech32.toWords(bytes(random, 20))]);
      return {
        spellings: [address, address.toUpperCase()].map((spelling) => ({
          type: "crypto_address",
          chain: "bitcoin",
          address: spelling,
        })),
      };
    }
    case 3: {
      const name = `chan_${hex(random, 4)}`;
      return {
        spellings: [`@${name}`, `https://t.me/${name}`, `t.me/${name.toUpperCase()}`].map(
          (value) => ({ type: "telegram_channel", value }),
        ),
      };
    }
    default: {
      const hash = `0x${hex(random, 32)}`;
      return {
        spellings: [hash, `0x${hash.slice(2).toUpperCase()}`].map((spelling) => ({
          type: "tx_hash",
          chain: "ethereum",
          hash: spelling,
        })),
      };
    }
  }
}

/** The same EVM address on another chain: another indicator (chains are distinct). */
export function onAnotherChain(spelling: Spelling): Spelling | undefined {
  if (spelling.type !== "crypto_address" || typeof spelling.address !== "string") return undefined;
  if (!spelling.address.startsWith("0x")) return undefined;
  return { ...spelling, chain: spelling.chain === "arbitrum" ? "base" : "arbitrum" };
}

/** Something the hub answers with a per-input error. */
export function invalidInput(random: Random): unknown {
  const lower = `0x${hex(random, 20)}`;
  const checksummed = toChecksumAddress(lower);
  const wrongCase = checksummed === lower ? `0x${lower.slice(2).toUpperCase()}` : lower;
  return random.pick<unknown>([
    // A mixed case that is not the EIP-55 one (flip one letter's case).
    {
      type: "crypto_address",
      chain: "ethereum",
      address: flipOneLetter(checksummed) ?? `${wrongCase}0`,
    },
    { type: "crypto_address", chain: "dogecoin", address: lower },
    { type: "crypto_address", chain: "ethereum" },
    { type: "smoke_signal", value: "x" },
    { type: "telegram_channel", value: "not a channel!" },
    42,
    "ethereum:0x00",
    null,
  ]);
}

function flipOneLetter(address: string): string | undefined {
  const index = [...address].findIndex((char, i) => i > 1 && /[a-fA-F]/.test(char));
  if (index < 0) return undefined;
  const char = address.charAt(index);
  const flipped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
  return address.slice(0, index) + flipped + address.slice(index + 1);
}
