/**
 * Bulletin files as partners write them: JSON, or YAML — where an unquoted
 * `0x52908400…` or an all-digit transaction hash would otherwise be read as a number
 * and lose its digits. Here a plain YAML scalar stays the text it was written as,
 * except where the bulletin expects a number (`confidence`). `cordon bulletin new`
 * writes {@link BULLETIN_TEMPLATE}, a commented file with every field.
 */
import { extname } from "node:path";
import { isPair, isScalar, parseDocument, visit } from "yaml";
import { parseStrictJson } from "../shared/json/strict-json.js";
import { InputError } from "./sdk/errors.js";

/** Members whose YAML numbers stay numbers; every other plain scalar keeps its text. */
const NUMERIC_MEMBERS: ReadonlySet<string> = new Set(["confidence"]);

/** A bulletin file: JSON by extension or content, else YAML (no duplicate keys in either). */
export function parseBulletinFile(bytes: Uint8Array, name: string): Record<string, unknown> {
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
  const extension = extname(name).toLowerCase();
  const value =
    extension === ".json" ||
    (extension !== ".yaml" && extension !== ".yml" && text.trimStart().startsWith("{"))
      ? parseJson(text, name)
      : parseYaml(text, name);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(`${name} must hold one bulletin object.`);
  }
  return value as Record<string, unknown>;
}

function parseJson(text: string, name: string): unknown {
  const parsed = parseStrictJson(text);
  if (!parsed.ok) {
    throw new InputError(`${name} is not valid JSON: ${parsed.message}`, [
      { pointer: parsed.pointer, message: parsed.message },
    ]);
  }
  return parsed.value;
}

function parseYaml(text: string, name: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const [error] = document.errors;
  if (error !== undefined) throw new InputError(`${name} is not valid YAML: ${error.message}`);
  visit(document, {
    Scalar(_key, node, path) {
      if (node.type !== "PLAIN" || typeof node.value !== "number" || node.source === undefined) {
        return;
      }
      const pair = path.at(-1);
      const member = isPair(pair) && isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (member === undefined || !NUMERIC_MEMBERS.has(member)) node.value = node.source;
    },
  });
  return document.toJS();
}

/**
 * Every field of a bulletin, explained, with an indicator of each common kind. The
 * addresses are real-looking and valid, so `cordon publish --dry-run` accepts the file
 * as it is; replace them with yours.
 */
export const BULLETIN_TEMPLATE = `# A Cordon bulletin. Fill it in, check it with \`cordon publish --dry-run FILE\`,
# then publish it with \`cordon publish FILE\`. cordon fills in id (a new one on each
# run, unless you set it here), issuer (you) and issued_at (now).
# Addresses and hashes may be written with or without quotes: they are kept as text.

title: ISKP donation address and recruitment channel   # one line, up to 200 characters
summary: >-                                             # optional, up to 4,000 characters
  USDT address advertised in a Telegram channel used to raise donations;
  funds traced to an EVM address and one Bitcoin address.

# terrorist_financing, sanctions, ransomware, scam, hack_theft, darknet_market, fraud, csam, other
category: terrorist_financing

# Who may see it (TLP 2.0): clear and green — every organisation on the hub (no audience);
# amber — you and the organisations and group:NAMEs you list; amber+strict and red — you
# and the organisations you list (no groups). Red content is read only with \`cordon get\`.
tlp: amber
audience: [binance, group:central-banks]

confidence: 85                       # 0-100
# valid_until: 2027-05-25T00:00:00Z  # optional: after it, the bulletin shows as expired
# supersedes: 01JDX3Q8Z6V2M4N5P6R7S8T9VW   # optional: one of YOUR bulletins this one replaces
# id: 01JDX3Q8Z6V2M4N5P6R7S8T9VW           # optional: set it to make re-publishing safe

# 1 to 1,000 indicators. Chains: bitcoin, ethereum, bsc, polygon, arbitrum, optimism,
# base, avalanche (C-Chain), tron, litecoin, solana — each distinct.
indicators:
  - type: crypto_address               # Tron (base58)
    chain: tron
    address: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t
    asset: USDT                        # optional
    role: donation                     # optional: your word for its part in the case
  - type: crypto_address               # an EVM chain (0x…; mixed case is checked as EIP-55)
    chain: ethereum
    address: 0x52908400098527886E0F7030069857D2E4169EE7
  - type: crypto_address               # Bitcoin (bc1… bech32, 1… or 3… base58check)
    chain: bitcoin
    address: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq
  - type: crypto_address               # Solana (base58 public key)
    chain: solana
    address: 4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T
  - type: tx_hash                      # a transaction (EVM: 0x + 64 hex; others: 64 hex)
    chain: ethereum
    hash: 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060
  - type: telegram_channel             # @name, t.me/name, https://t.me/name or an invite link
    value: https://t.me/example_channel
  - type: channel                      # other platforms: x, discord, email, website, …
    platform: x
    value: "@example"

references: ["case:2026-0142"]         # optional: your case numbers and the like
`;
