/**
 * One indicator, end to end: `checkIndicator` takes untrusted input (a screening
 * request, a bulletin's entry) and answers either the indicator and its normalised
 * string or the first problem, with a stable code and a JSON pointer;
 * `normaliseIndicator` gives the string screening, indexing and events match on.
 */

import type { z } from "zod";
import { isChain, validateAddress } from "./chains.js";
import * as channel from "./channel.js";
import { IndicatorError, valueOrThrow } from "./errors.js";
import { IndicatorSchema, indicatorIssueCode, indicatorIssuePointer } from "./schema.js";
import * as telegram from "./telegram.js";
import * as txHash from "./tx-hash.js";
import type { Chain, Indicator, IndicatorCheck } from "./types.js";

/**
 * Which problem is reported when there are several: the one on the earliest member
 * in the order a reader checks an indicator (what it is, where, then which value),
 * and unknown members last.
 */
const MEMBER_RANK: Readonly<Record<string, number>> = {
  type: 0,
  chain: 1,
  platform: 1,
  address: 2,
  hash: 2,
  value: 2,
  asset: 3,
  role: 3,
};

function rank(issue: z.core.$ZodIssue): number {
  if (issue.code === "unrecognized_keys") return 4;
  const member = issue.path[0];
  return typeof member === "string" ? (MEMBER_RANK[member] ?? 5) : 5;
}

function firstIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  let first: z.core.$ZodIssue | undefined;
  for (const issue of issues) if (first === undefined || rank(issue) < rank(first)) first = issue;
  return first;
}

function assertChain(chain: unknown): asserts chain is Chain {
  if (!isChain(chain)) {
    throw new IndicatorError(
      "ERR_INDICATOR_UNKNOWN_CHAIN",
      `Unknown chain "${String(chain)}".`,
      "/chain",
    );
  }
}

/** Normalised form of an already valid indicator; throws an `IndicatorError` if it is not. */
export function normaliseIndicator(indicator: Indicator): string {
  switch (indicator.type) {
    case "crypto_address": {
      assertChain(indicator.chain);
      const address = valueOrThrow(validateAddress(indicator.chain, indicator.address), "/address");
      return `${indicator.chain}:${address}`;
    }
    case "tx_hash":
      assertChain(indicator.chain);
      return `${indicator.chain}:tx:${txHash.normalise(indicator.hash, indicator.chain)}`;
    case "telegram_channel":
      return `telegram:${telegram.normalise(indicator.value)}`;
    case "channel": {
      const platform = valueOrThrow(channel.validatePlatform(indicator.platform), "/platform");
      return `${platform}:${channel.normalise(indicator.value, platform)}`;
    }
    default: {
      const unknown: never = indicator;
      throw new IndicatorError(
        "ERR_INDICATOR_UNKNOWN_TYPE",
        `Unknown indicator type ${JSON.stringify((unknown as { type?: unknown }).type)}.`,
        "/type",
      );
    }
  }
}

/** The chain an indicator is on, if any (for subscription filters). */
export function indicatorChain(indicator: Indicator): Chain | undefined {
  return indicator.type === "crypto_address" || indicator.type === "tx_hash"
    ? indicator.chain
    : undefined;
}

/**
 * Validate and normalise one untrusted input. Never throws. On several problems it
 * reports the first by member order: type, chain or platform, then the value.
 */
export function checkIndicator(input: unknown): IndicatorCheck {
  try {
    const parsed = IndicatorSchema.safeParse(input);
    if (parsed.success) {
      return { ok: true, indicator: parsed.data, normalised: normaliseIndicator(parsed.data) };
    }
    const issue = firstIssue(parsed.error.issues);
    if (issue === undefined) throw new Error("zod reported a failure without issues");
    return {
      ok: false,
      error: {
        code: indicatorIssueCode(issue),
        message: issue.message,
        pointer: indicatorIssuePointer(issue),
      },
    };
  } catch (error) {
    if (error instanceof IndicatorError) {
      return {
        ok: false,
        error: { code: error.code, message: error.message, pointer: error.pointer },
      };
    }
    // Only hostile input gets here (a getter or proxy that throws while being read).
    return {
      ok: false,
      error: {
        code: "ERR_INDICATOR_FORMAT",
        message: "The indicator could not be read.",
        pointer: "",
      },
    };
  }
}
