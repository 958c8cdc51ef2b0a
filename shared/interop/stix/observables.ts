/**
 * How each Cordon indicator is said in STIX (DESIGN §12) and back: its SCO, its
 * pattern, its labels. Both directions live here so the round trip bulletin → STIX →
 * draft is one module's promise. Addresses keep the text the publisher signed
 * (trimmed); hashes and channels use their normal form, which is what their URL or
 * SCO id is made of.
 */
import { checkIndicator } from "../../indicators/indicator.js";
import type { Chain, Indicator } from "../../indicators/types.js";
import { chainNamed, chainOfAddress } from "../chains.js";
import {
  TRANSACTION_EXTENSION_ID,
  TRANSACTION_SCO_TYPE,
  WALLET_EXTENSION_ID,
  WALLET_SCO_TYPE,
} from "./extensions.js";
import { scoId } from "./ids.js";
import { observationPattern, type PatternObservation } from "./pattern.js";
import type { StixObject } from "./types.js";

export interface IndicatorObservable {
  /** The SCO the indicator is `based-on`, without markings. */
  sco: StixObject;
  pattern: string;
  /** `chain:<chain>`, `platform:<platform>`, `asset:<asset>`, `role:<role>`. */
  labels: string[];
  /** A short human name for the indicator. */
  name: string;
  /** OpenCTI's `x_opencti_main_observable_type`, where OpenCTI knows the type. */
  openctiType?: string;
}

function wallet(value: string): StixObject {
  return {
    type: WALLET_SCO_TYPE,
    spec_version: "2.1",
    id: scoId(WALLET_SCO_TYPE, { value }),
    value,
    extensions: { [WALLET_EXTENSION_ID]: { extension_type: "new-sco" } },
  };
}

function transaction(chain: Chain, hash: string): StixObject {
  return {
    type: TRANSACTION_SCO_TYPE,
    spec_version: "2.1",
    id: scoId(TRANSACTION_SCO_TYPE, { chain, hash }),
    chain,
    hash,
    extensions: { [TRANSACTION_EXTENSION_ID]: { extension_type: "new-sco" } },
  };
}

function simpleSco(type: "url" | "email-addr", value: string): StixObject {
  return { type, spec_version: "2.1", id: scoId(type, { value }), value };
}

function userAccount(accountType: string, login: string): StixObject {
  return {
    type: "user-account",
    spec_version: "2.1",
    id: scoId("user-account", { account_type: accountType, account_login: login }),
    account_type: accountType,
    account_login: login,
  };
}

/** The part of a normalised indicator after `<platform>:` (or `<chain>:tx:`). */
function normalValue(normalised: string, prefix: string): string {
  return normalised.slice(prefix.length);
}

function urlObservable(url: string, platform: string, name: string): IndicatorObservable {
  return {
    sco: simpleSco("url", url),
    pattern: observationPattern("url", [["value", url]]),
    labels: [`platform:${platform}`],
    name,
    openctiType: "Url",
  };
}

/**
 * The STIX form of a valid indicator. Throws (an `IndicatorError`) on an invalid
 * one: the hub only ever holds valid bulletins.
 */
export function observableOf(indicator: Indicator): IndicatorObservable {
  const check = checkIndicator(indicator);
  if (!check.ok) throw new TypeError(`Invalid indicator: ${check.error.message}`);
  const normalised = check.normalised;
  switch (indicator.type) {
    case "crypto_address": {
      const address = indicator.address.trim();
      const labels = [`chain:${indicator.chain}`];
      if (indicator.asset !== undefined) labels.push(`asset:${indicator.asset}`);
      if (indicator.role !== undefined) labels.push(`role:${indicator.role}`);
      return {
        sco: wallet(address),
        pattern: observationPattern(WALLET_SCO_TYPE, [["value", address]]),
        labels,
        name: `${indicator.chain} address ${address}`,
        openctiType: "Cryptocurrency-Wallet",
      };
    }
    case "tx_hash": {
      const hash = normalValue(normalised, `${indicator.chain}:tx:`);
      return {
        sco: transaction(indicator.chain, hash),
        pattern: observationPattern(TRANSACTION_SCO_TYPE, [["hash", hash]]),
        labels: [`chain:${indicator.chain}`],
        name: `${indicator.chain} transaction ${hash}`,
      };
    }
    case "telegram_channel":
      return telegramObservable(normalValue(normalised, "telegram:"));
    case "channel": {
      const platform = normalised.slice(0, normalised.indexOf(":"));
      const value = normalValue(normalised, `${platform}:`);
      switch (platform) {
        case "telegram":
          return telegramObservable(value);
        case "x":
          return urlObservable(`https://x.com/${value}`, "x", `X account @${value}`);
        case "website":
          return urlObservable(value, "website", `website ${value}`);
        case "email":
          return {
            sco: simpleSco("email-addr", value),
            pattern: observationPattern("email-addr", [["value", value]]),
            labels: ["platform:email"],
            name: `e-mail address ${value}`,
            openctiType: "Email-Addr",
          };
        default:
          return {
            sco: userAccount(platform, value),
            pattern: observationPattern("user-account", [
              ["account_type", platform],
              ["account_login", value],
            ]),
            labels: [`platform:${platform}`],
            name: `${platform} account ${value}`,
            openctiType: "User-Account",
          };
      }
    }
  }
}

function telegramObservable(channel: string): IndicatorObservable {
  return urlObservable(`https://t.me/${channel}`, "telegram", `Telegram channel t.me/${channel}`);
}

/** What an importer knows besides the observation: the indicator's labels. */
export interface ObservationHints {
  labels?: readonly string[];
}

export type ObservationResult =
  | { ok: true; indicator: Indicator; normalised: string }
  | { ok: false; reason: string };

function labelValue(labels: readonly string[] | undefined, key: string): string | undefined {
  const prefix = `${key}:`;
  return labels?.find((label) => label.startsWith(prefix))?.slice(prefix.length);
}

function checked(input: Record<string, unknown>): ObservationResult {
  const check = checkIndicator(input);
  if (check.ok) return { ok: true, indicator: check.indicator, normalised: check.normalised };
  return { ok: false, reason: `${check.error.message} (${check.error.code})` };
}

const TELEGRAM_HOST = /^https?:\/\/(?:t|telegram)\.me\//i;
const X_PROFILE = /^https?:\/\/(?:www\.|mobile\.)?(?:x|twitter)\.com\/[A-Za-z0-9_]{1,15}\/?$/i;

/**
 * The Cordon indicator an observation stands for, checked and normalised with the
 * hub's own rules, or why there is none.
 */
export function indicatorOfObservation(
  observation: PatternObservation,
  hints: ObservationHints = {},
): ObservationResult {
  const { objectType, properties } = observation;
  const labelChain = labelValue(hints.labels, "chain");
  const platform = labelValue(hints.labels, "platform");
  const only = (name: string): string | undefined => {
    const keys = Object.keys(properties);
    return keys.length === 1 && keys[0] === name ? properties[name] : undefined;
  };
  switch (objectType) {
    case WALLET_SCO_TYPE: {
      const address = only("value");
      if (address === undefined) return { ok: false, reason: "Only value is read on a wallet." };
      const chain =
        labelChain === undefined ? chainOfAddress(address) : (chainNamed(labelChain) ?? labelChain);
      if (chain === undefined) {
        return {
          ok: false,
          reason:
            "The address's chain is not given (a chain:<chain> label) and its form fits several chains.",
        };
      }
      const input: Record<string, unknown> = { type: "crypto_address", chain, address };
      const asset = labelValue(hints.labels, "asset");
      const role = labelValue(hints.labels, "role");
      if (asset !== undefined) input.asset = asset;
      if (role !== undefined) input.role = role;
      return checked(input);
    }
    case TRANSACTION_SCO_TYPE: {
      const hash = properties.hash;
      const chain = properties.chain ?? labelChain;
      const extra = Object.keys(properties).filter((key) => key !== "hash" && key !== "chain");
      if (hash === undefined || extra.length > 0) {
        return { ok: false, reason: "Only hash (and chain) are read on a transaction." };
      }
      if (chain === undefined) {
        return {
          ok: false,
          reason: "The transaction's chain is not given (a chain:<chain> label).",
        };
      }
      return checked({ type: "tx_hash", chain: chainNamed(chain) ?? chain, hash });
    }
    case "url": {
      const url = only("value");
      if (url === undefined) return { ok: false, reason: "Only value is read on a url." };
      if (platform === "telegram" || (platform === undefined && TELEGRAM_HOST.test(url))) {
        return checked({ type: "telegram_channel", value: url });
      }
      if (platform === "x" || (platform === undefined && X_PROFILE.test(url))) {
        return checked({ type: "channel", platform: "x", value: url });
      }
      return checked({ type: "channel", platform: "website", value: url });
    }
    case "email-addr": {
      const email = only("value");
      if (email === undefined) return { ok: false, reason: "Only value is read on an email-addr." };
      return checked({ type: "channel", platform: "email", value: email });
    }
    case "user-account": {
      const keys = Object.keys(properties).sort().join(",");
      const accountType = properties.account_type;
      const login = properties.account_login;
      if (
        keys !== "account_login,account_type" ||
        accountType === undefined ||
        login === undefined
      ) {
        return {
          ok: false,
          reason: "A user-account is read only as account_type and account_login together.",
        };
      }
      const name = accountType.toLowerCase() === "twitter" ? "x" : accountType;
      return checked({ type: "channel", platform: name, value: login });
    }
    default:
      return { ok: false, reason: `Cordon has no indicator type for ${objectType} observables.` };
  }
}

/** The observation an SCO itself stands for (an SCO listed without an indicator). */
export function observationOfSco(sco: Record<string, unknown>): PatternObservation | undefined {
  const type = sco.type;
  const read = (names: readonly string[]): Record<string, string> | undefined => {
    const properties: Record<string, string> = {};
    for (const name of names) {
      const value = sco[name];
      if (typeof value === "string") properties[name] = value;
    }
    return Object.keys(properties).length > 0 ? properties : undefined;
  };
  let properties: Record<string, string> | undefined;
  switch (type) {
    case WALLET_SCO_TYPE:
    case "url":
    case "email-addr":
      properties = read(["value"]);
      break;
    case TRANSACTION_SCO_TYPE:
      properties = read(["chain", "hash"]);
      break;
    case "user-account":
      properties = read(["account_type", "account_login"]);
      break;
    default:
      return undefined;
  }
  return properties === undefined ? undefined : { objectType: type as string, properties };
}
