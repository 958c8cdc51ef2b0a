/**
 * Channels on any platform (`x`, `discord`, `email`, `website`, `telegram`, or another
 * named one), normalised to `<platform>:<value>`. The platform is lower-cased; the
 * value is trimmed and then normalised only where the platform's own rules make two
 * spellings the same thing (handles, e-mail, a URL's scheme and host). Everything
 * else is kept as given: a wrong guess would make two different channels match.
 */
import { isChain } from "./chains.js";
import { accept, refuse, valueOrThrow } from "./errors.js";
import { asciiLower, boundedTrimmed } from "./input.js";
import * as telegram from "./telegram.js";
import { MAX_VALUE_LENGTH, type ValueResult } from "./types.js";

export const MAX_PLATFORM_LENGTH = 32;
/** Checked before lower-casing, so a look-alike such as the Kelvin sign cannot pass. */
const PLATFORM = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

const X_HANDLE = /^[A-Za-z0-9_]{1,15}$/;
const X_PROFILE =
  /^(?:https?:\/\/)?(?:www\.|mobile\.)?(?:x|twitter)\.com\/([^/?#]*)\/?(?:[?#].*)?$/is;
/** Discord's current usernames; older or other forms (invites, ids) are kept as given. */
const DISCORD_HANDLE = /^[A-Za-z0-9_.]{2,32}$/;
/** RFC 5322 specials are refused outside a quoted local part, and quoting is not accepted. */
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@(?:[^\s@<>()[\]\\,;:"./]+\.)+[^\s@<>()[\]\\,;:"./]+$/;
const HTTP_URL = /^(https?):\/\/([^/?#]*)(.*)$/is;
/** RFC 3986 host characters (and non-ASCII, for IDNs typed as such) and an optional port. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=\u0080-\uffff]+)(:[0-9]*)?$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

/** The canonical platform name, or why not. */
export function validatePlatform(platform: string): ValueResult {
  if (platform.length > MAX_PLATFORM_LENGTH) {
    return refuse(
      "ERR_INDICATOR_TOO_LONG",
      `A platform name is at most ${MAX_PLATFORM_LENGTH} characters.`,
    );
  }
  if (!PLATFORM.test(platform)) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      "A platform name is letters, digits, '_', '.' or '-', starting with a letter or digit.",
    );
  }
  const name = platform.toLowerCase();
  // `<chain>:…` is the normal form of an address; a channel must never collide with one.
  if (isChain(name)) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      `"${name}" is a chain: use a crypto_address or tx_hash indicator.`,
    );
  }
  return accept(name);
}

function xHandle(value: string): ValueResult {
  const profile = X_PROFILE.exec(value);
  const handle = profile ? (profile[1] ?? "") : value.replace(/^@/, "");
  if (!X_HANDLE.test(handle)) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      "An X handle is 1 to 15 letters, digits or underscores (@name or an x.com/name link).",
    );
  }
  return accept(handle.toLowerCase());
}

function discordHandle(value: string): ValueResult {
  const handle = value.replace(/^@/, "");
  return accept(DISCORD_HANDLE.test(handle) ? handle.toLowerCase() : value);
}

function email(value: string): ValueResult {
  if (!EMAIL.test(value)) {
    return refuse("ERR_INDICATOR_FORMAT", "Not an e-mail address (local@domain.tld).");
  }
  return accept(asciiLower(value));
}

/**
 * Lower-cases only the scheme and host, and rebuilds the string by hand: the URL
 * class would re-encode the path and query, and those are matched byte for byte.
 */
function website(value: string): ValueResult {
  const url = HTTP_URL.exec(value);
  const invalid = refuse(
    "ERR_INDICATOR_FORMAT",
    "A website is an absolute http:// or https:// URL.",
  );
  if (!url || WHITESPACE_OR_CONTROL.test(value) || !URL.canParse(value)) return invalid;
  const [, scheme = "", authority = "", rest = ""] = url;
  // Browsers read a backslash in an authority as "/", so the host would not be what it seems.
  if (authority.includes("\\")) return invalid;
  const at = authority.lastIndexOf("@");
  const userinfo = authority.slice(0, at + 1);
  const hostPort = HOST_PORT.exec(authority.slice(at + 1));
  if (!hostPort) return invalid;
  const [, host = "", port = ""] = hostPort;
  return accept(`${scheme.toLowerCase()}://${userinfo}${asciiLower(host)}${port}${rest}`);
}

/**
 * The canonical value (without `<platform>:`) of a channel on `platform`, or why not.
 * An invalid platform is reported here too, but callers that name the bad member
 * should check it first with `validatePlatform`.
 */
export function validate(value: string, platform: string): ValueResult {
  const name = validatePlatform(platform);
  if (!name.ok) return name;
  const input = boundedTrimmed(value, MAX_VALUE_LENGTH);
  if (!input.ok) return input;
  switch (name.value) {
    case "x":
      return xHandle(input.value);
    case "discord":
      return discordHandle(input.value);
    case "email":
      return email(input.value);
    case "website":
      return website(input.value);
    case "telegram":
      return telegram.validate(input.value);
    default:
      return input;
  }
}

/** The canonical value; throws an `IndicatorError` at `/platform` or `/value` when invalid. */
export function normalise(value: string, platform: string): string {
  const name = validatePlatform(platform);
  valueOrThrow(name, "/platform");
  return valueOrThrow(validate(value, platform), "/value");
}
