/**
 * Telegram channels and groups. A public one is named by its username, in any of the
 * spellings people paste (`@name`, `name`, `t.me/name`, `https://t.me/s/name`, a post
 * link `t.me/name/123`, `telegram.me/name`), and normalises to the lower-cased
 * username. A private one is named by its invite link (`t.me/+HASH`,
 * `t.me/joinchat/HASH`) and normalises to `+HASH`, the hash kept exactly as given
 * because invite hashes are case-sensitive. Anything else is refused.
 */
import { accept, refuse, valueOrThrow } from "./errors.js";
import { boundedTrimmed } from "./input.js";
import { MAX_VALUE_LENGTH, type ValueResult } from "./types.js";

const USERNAME = /^[A-Za-z][A-Za-z0-9_]{4,31}$/;
const INVITE_HASH = /^[A-Za-z0-9_-]{4,64}$/;
const POST_ID = /^[0-9]{1,20}$/;
/** Scheme and host are case-insensitive; the path after them is what we read. */
const LINK = /^(?:https?:\/\/)?(?:t|telegram)\.me\/(.*)$/is;

/**
 * First path segments that are Telegram's own routes (sticker sets, folders, proxy
 * settings…), not channels, though they look like usernames.
 */
export const TELEGRAM_SERVICE_PATHS: ReadonlySet<string> = new Set([
  "joinchat",
  "addstickers",
  "addemoji",
  "addtheme",
  "addlist",
  "setlanguage",
  "share",
  "proxy",
  "socks",
  "confirmphone",
  "login",
  "invoice",
  "boost",
  "contact",
]);

const NOT_A_CHANNEL =
  "Not a Telegram channel: expected @name, name, a t.me or telegram.me link, or an invite link.";

function username(name: string): ValueResult {
  if (!USERNAME.test(name)) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      "A Telegram username is 5 to 32 letters, digits or underscores, starting with a letter.",
    );
  }
  if (TELEGRAM_SERVICE_PATHS.has(name.toLowerCase())) {
    return refuse("ERR_INDICATOR_FORMAT", `"${name}" is a Telegram route, not a channel.`);
  }
  return accept(name.toLowerCase());
}

function invite(hash: string): ValueResult {
  if (!INVITE_HASH.test(hash)) {
    return refuse("ERR_INDICATOR_FORMAT", "An invite hash is 4 to 64 letters, digits, '_' or '-'.");
  }
  // t.me/+<digits> opens a chat with a phone number, not an invite.
  if (/^[0-9]+$/.test(hash)) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      "A t.me/+<digits> link names a phone number, not a channel.",
    );
  }
  return accept(`+${hash}`);
}

function fromLinkPath(path: string): ValueResult {
  // Query strings (?start=…, ?single) and fragments never name another channel.
  const bare = path.replace(/[?#].*$/s, "").replace(/\/$/, "");
  const segments = bare.split("/");
  const [first = "", second, third] = segments;
  if (segments.length === 1 && first.startsWith("+")) return invite(first.slice(1));
  if (first === "joinchat" && second !== undefined && segments.length === 2) return invite(second);
  if (first === "s" && second !== undefined) {
    if (segments.length === 2 || (segments.length === 3 && POST_ID.test(third ?? ""))) {
      return username(second);
    }
    return refuse("ERR_INDICATOR_FORMAT", NOT_A_CHANNEL);
  }
  if (segments.length === 1 || (segments.length === 2 && POST_ID.test(second ?? ""))) {
    return username(first);
  }
  return refuse("ERR_INDICATOR_FORMAT", NOT_A_CHANNEL);
}

/** The canonical channel (`name` or `+HASH`, without `telegram:`), or why not. */
export function validate(value: string): ValueResult {
  const input = boundedTrimmed(value, MAX_VALUE_LENGTH);
  if (!input.ok) return input;
  const text = input.value;
  if (text.startsWith("@")) return username(text.slice(1));
  // `+HASH` is the normal form of an invite; accepting it keeps normalising idempotent.
  if (text.startsWith("+")) return invite(text.slice(1));
  const link = LINK.exec(text);
  if (link) return fromLinkPath(link[1] ?? "");
  if (USERNAME.test(text)) return username(text);
  return refuse("ERR_INDICATOR_FORMAT", NOT_A_CHANNEL);
}

/** The canonical channel; throws an `IndicatorError` at `/value` when invalid. */
export function normalise(value: string): string {
  return valueOrThrow(validate(value), "/value");
}
