/**
 * The wire shape of one indicator as a zod schema: structure (strict objects, known
 * types and chains, bounded strings) and meaning (checksums, handle and link rules)
 * in one place, so the bulletin and screening schemas and the OpenAPI document embed
 * the same rules `checkIndicator` applies. Every issue maps to an
 * `IndicatorErrorCode`: custom issues carry it in `params.code`, the others are mapped
 * by `indicatorIssueCode`. Paths are relative to the indicator (["address"]).
 */
import * as z from "zod";
import { issuePointer } from "../errors/zod.js";
import { validateAddress } from "./chains.js";
import * as channel from "./channel.js";
import * as telegram from "./telegram.js";
import * as txHash from "./tx-hash.js";
import {
  CHAINS,
  INDICATOR_ERROR_CODES,
  INDICATOR_TYPES,
  type Indicator,
  type IndicatorErrorCode,
  MAX_ADDRESS_LENGTH,
  MAX_VALUE_LENGTH,
  type ValueFailure,
} from "./types.js";

/**
 * zod drops the input from the issues it reports, so a missing member and one of the
 * wrong type would look alike. This schema writes this message for a missing member
 * and no other, and a schema's own messages outrank any error map a caller passes,
 * so `indicatorIssueCode` can tell them apart.
 */
export const MISSING_MEMBER_MESSAGE = "This member is required.";

const ASSET = /^[A-Za-z0-9._-]+$/;
const ROLE = /^[A-Za-z0-9._-]+$/;

function requiredString(member: string, maxLength: number) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined ? MISSING_MEMBER_MESSAGE : `The ${member} must be a string.`,
    })
    .max(maxLength, {
      error: `The ${member} is longer than ${maxLength} characters.`,
      // Nothing further (checksums, decoding) runs on an over-long value.
      abort: true,
    });
}

/** Adds a family's refusal as a custom issue that stops further checks. */
function addFailure(
  payload: { issues: z.core.$ZodRawIssue[]; value: unknown },
  path: PropertyKey[],
  failure: ValueFailure,
): void {
  payload.issues.push({
    code: "custom",
    message: failure.message,
    params: { code: failure.code },
    path,
    input: payload.value,
    continue: false,
  });
}

/** Indicators are strict: a member this schema does not know is refused, not dropped. */
const STRICT = {
  error: (issue: z.core.$ZodRawIssue) =>
    issue.code === "unrecognized_keys"
      ? `Unknown member ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}.`
      : undefined,
};

const ChainSchema = z.enum(CHAINS, {
  error: (issue) =>
    issue.input === undefined
      ? MISSING_MEMBER_MESSAGE
      : `Unknown chain; expected one of: ${CHAINS.join(", ")}.`,
});

export const CryptoAddressIndicatorSchema = z
  .strictObject(
    {
      type: z.literal("crypto_address"),
      chain: ChainSchema,
      address: requiredString("address", MAX_ADDRESS_LENGTH),
      asset: z
        .string()
        .min(1)
        .max(16, { error: "The asset is longer than 16 characters." })
        .regex(ASSET, { error: "An asset is letters, digits, '.', '_' or '-'." })
        .optional(),
      role: z
        .string()
        .min(1)
        .max(32, { error: "The role is longer than 32 characters." })
        .regex(ROLE, { error: "A role is letters, digits, '.', '_' or '-'." })
        .optional(),
    },
    STRICT,
  )
  .check((payload) => {
    const result = validateAddress(payload.value.chain, payload.value.address);
    if (!result.ok) addFailure(payload, ["address"], result);
  });

export const TxHashIndicatorSchema = z
  .strictObject(
    {
      type: z.literal("tx_hash"),
      chain: ChainSchema,
      hash: requiredString("hash", MAX_ADDRESS_LENGTH),
    },
    STRICT,
  )
  .check((payload) => {
    const result = txHash.validate(payload.value.hash, payload.value.chain);
    if (!result.ok) addFailure(payload, ["hash"], result);
  });

export const TelegramChannelIndicatorSchema = z.strictObject(
  {
    type: z.literal("telegram_channel"),
    value: requiredString("value", MAX_VALUE_LENGTH).check((payload) => {
      const result = telegram.validate(payload.value);
      if (!result.ok) addFailure(payload, [], result);
    }),
  },
  STRICT,
);

export const ChannelIndicatorSchema = z
  .strictObject(
    {
      type: z.literal("channel"),
      platform: requiredString("platform", channel.MAX_PLATFORM_LENGTH).check((payload) => {
        const result = channel.validatePlatform(payload.value);
        if (!result.ok) addFailure(payload, [], result);
      }),
      value: requiredString("value", MAX_VALUE_LENGTH),
    },
    STRICT,
  )
  .check((payload) => {
    // Runs only once the platform passed (its refusal stops the object's checks).
    const result = channel.validate(payload.value.value, payload.value.platform);
    if (!result.ok) addFailure(payload, ["value"], result);
  });

function typeIsMissing(input: unknown): boolean {
  return typeof input === "object" && input !== null && !Array.isArray(input)
    ? (input as Record<string, unknown>).type === undefined
    : false;
}

export const IndicatorSchema: z.ZodType<Indicator> = z.discriminatedUnion(
  "type",
  [
    CryptoAddressIndicatorSchema,
    TxHashIndicatorSchema,
    TelegramChannelIndicatorSchema,
    ChannelIndicatorSchema,
  ],
  {
    error: (issue) => {
      if (issue.code === "invalid_union") {
        return typeIsMissing(issue.input)
          ? MISSING_MEMBER_MESSAGE
          : `Unknown indicator type; expected one of: ${INDICATOR_TYPES.join(", ")}.`;
      }
      if (issue.code === "invalid_type") return "An indicator must be a JSON object.";
      return undefined;
    },
  },
);

function isIndicatorErrorCode(value: unknown): value is IndicatorErrorCode {
  return typeof value === "string" && (INDICATOR_ERROR_CODES as readonly string[]).includes(value);
}

/** Map a zod issue raised by `IndicatorSchema` (or a schema embedding it) to a stable code. */
export function indicatorIssueCode(issue: z.core.$ZodIssue): IndicatorErrorCode {
  const missing = issue.message === MISSING_MEMBER_MESSAGE;
  switch (issue.code) {
    case "custom": {
      const code: unknown = issue.params?.code;
      return isIndicatorErrorCode(code) ? code : "ERR_INDICATOR_FORMAT";
    }
    case "invalid_type":
      if (missing) return "ERR_INDICATOR_MISSING_FIELD";
      return issue.expected === "object" ? "ERR_INDICATOR_NOT_OBJECT" : "ERR_INDICATOR_FORMAT";
    case "invalid_union":
      // The schema's one union is the one on `type`.
      return missing ? "ERR_INDICATOR_MISSING_FIELD" : "ERR_INDICATOR_UNKNOWN_TYPE";
    case "invalid_value":
      if (missing) return "ERR_INDICATOR_MISSING_FIELD";
      return issue.path.at(-1) === "chain" ? "ERR_INDICATOR_UNKNOWN_CHAIN" : "ERR_INDICATOR_FORMAT";
    case "unrecognized_keys":
      return "ERR_INDICATOR_UNKNOWN_FIELD";
    case "too_big":
      return "ERR_INDICATOR_TOO_LONG";
    default:
      return "ERR_INDICATOR_FORMAT";
  }
}

/** The JSON pointer of the member an issue is about (see `issuePointer`). */
export const indicatorIssuePointer = issuePointer;
