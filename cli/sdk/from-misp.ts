/**
 * `bulletinFromMisp`: a MISP event (`{"Event": …}`, a bare event, or the first of a
 * `{"response": [...]}`) to a bulletin draft. `coin-address`,
 * `cryptocurrency-transaction`/`btc-transaction`, `telegram-account`,
 * `twitter-account` and `url` objects, and `btc`, `url`, `email*` attributes become
 * indicators, checked and normalised with the hub's rules; `info` is the title, a
 * `tlp:` tag the TLP, a `cordon:category` tag the category. Everything else is
 * listed in `unmapped`. Browser-safe: no Node built-ins.
 */
import type { Tlp } from "../../shared/bulletins/schema.js";
import { checkIndicator } from "../../shared/indicators/indicator.js";
import type { Chain } from "../../shared/indicators/types.js";
import { chainNamed, chainOfAddress, chainOfSymbol } from "../../shared/interop/chains.js";
import { InteropError } from "../../shared/interop/errors.js";
import {
  categoryNamed,
  DraftBuilder,
  type ImportOptions,
  type ImportResult,
  isRecord,
} from "./import-draft.js";

const TLP_TAGS: Readonly<Record<string, Tlp>> = {
  "tlp:white": "clear",
  "tlp:clear": "clear",
  "tlp:green": "green",
  "tlp:amber": "amber",
  "tlp:amber+strict": "amber+strict",
  "tlp:red": "red",
};

/** Attributes of a url object that only restate parts of its `url`. */
const URL_PARTS = new Set([
  "domain",
  "domain_without_tld",
  "host",
  "scheme",
  "resource_path",
  "port",
  "query_string",
  "fragment",
  "subdomain",
  "tld",
]);

type Attribute = Record<string, unknown>;

function tagNames(holder: Record<string, unknown>): string[] {
  const tags = Array.isArray(holder.Tag) ? holder.Tag : [];
  return tags.flatMap((tag: unknown) =>
    isRecord(tag) && typeof tag.name === "string" ? [tag.name] : [],
  );
}

/** The value of a `namespace:predicate="value"` machine tag, if one is there. */
function machineTag(names: readonly string[], prefix: string): string | undefined {
  for (const name of names) {
    if (name.startsWith(`${prefix}=`)) return name.slice(prefix.length + 1).replace(/^"|"$/g, "");
  }
  return undefined;
}

function eventOf(source: unknown): { event: Record<string, unknown>; base: string; extra: number } {
  if (isRecord(source) && Array.isArray(source.response)) {
    const first = source.response[0];
    if (isRecord(first) && isRecord(first.Event)) {
      return { event: first.Event, base: "/response/0/Event", extra: source.response.length - 1 };
    }
  }
  if (isRecord(source) && isRecord(source.Event))
    return { event: source.Event, base: "/Event", extra: 0 };
  if (isRecord(source) && (Array.isArray(source.Attribute) || Array.isArray(source.Object))) {
    return { event: source, base: "", extra: 0 };
  }
  throw new InteropError(
    "ERR_INTEROP_INPUT",
    'Not a MISP event: expected {"Event": {...}}, an event object, or {"response": [{"Event": ...}]}.',
  );
}

export function bulletinFromMisp(source: unknown, options: ImportOptions = {}): ImportResult {
  const { event, base, extra } = eventOf(source);
  const builder = new DraftBuilder();
  if (extra > 0)
    builder.skip("/response", `Only the first event is read (${extra} more not imported).`);
  const draft = builder.draft;
  if (typeof event.info === "string") draft.title = event.info;

  tagNames(event).forEach((name, index) => {
    const path = `${base}/Tag/${index}`;
    const tlp = TLP_TAGS[name.toLowerCase()];
    const category = name.startsWith("cordon:category=")
      ? categoryNamed(machineTag([name], "cordon:category") ?? "")
      : undefined;
    if (tlp !== undefined && draft.tlp === undefined) draft.tlp = tlp;
    else if (category !== undefined && draft.category === undefined) draft.category = category;
    else if (name === "cordon:revoked" || name === "cordon:superseded") {
      builder.withdrawn = `The event is marked ${name}: its publisher withdrew its indicators.`;
    } else builder.skip(path, `The tag "${name}" is not carried.`);
  });

  const orgc = event.Orgc;
  if (isRecord(orgc) && typeof orgc.name === "string") {
    builder.skip(
      `${base}/Orgc`,
      `The original organisation (${orgc.name}) is not carried: the bulletin is published and signed by you.`,
    );
  }

  const attributes = Array.isArray(event.Attribute) ? event.Attribute : [];
  attributes.forEach((attribute: unknown, index) => {
    const path = `${base}/Attribute/${index}`;
    if (!isRecord(attribute)) {
      builder.skip(path, "Not a MISP attribute.");
      return;
    }
    readAttribute(builder, attribute, path);
  });
  const objects = Array.isArray(event.Object) ? event.Object : [];
  objects.forEach((object: unknown, index) => {
    const path = `${base}/Object/${index}`;
    if (!isRecord(object)) {
      builder.skip(path, "Not a MISP object.");
      return;
    }
    readObject(builder, object, path);
  });
  return builder.finish(options);
}

function add(builder: DraftBuilder, path: string, input: Record<string, unknown>): void {
  const check = checkIndicator(input);
  if (check.ok) builder.indicator(path, check.indicator, check.normalised);
  else builder.skip(path, `${check.error.message} (${check.error.code})`);
}

function readAttribute(builder: DraftBuilder, attribute: Attribute, path: string): void {
  const type = String(attribute.type);
  const value = typeof attribute.value === "string" ? attribute.value : undefined;
  const comment = typeof attribute.comment === "string" ? attribute.comment : "";
  const tags = tagNames(attribute);
  if (attribute.deleted === true) {
    builder.skip(path, "The attribute is deleted.");
    return;
  }
  if (value === undefined) {
    builder.skip(path, "The attribute has no value.");
    return;
  }
  switch (type) {
    case "btc": {
      add(builder, path, {
        type: "crypto_address",
        chain: chainFromTags(tags) ?? "bitcoin",
        address: value,
      });
      return;
    }
    case "url": {
      addUrl(builder, path, value, machineTag(tags, "cordon:platform"));
      return;
    }
    case "link": {
      builder.reference(path, value);
      return;
    }
    case "email":
    case "email-src":
    case "email-dst": {
      add(builder, path, { type: "channel", platform: "email", value });
      return;
    }
    case "comment":
      if (comment === "Cordon bulletin summary") {
        builder.draft.summary = value;
        return;
      }
      {
        builder.skip(path, "A comment is not carried.");
        return;
      }
    case "text": {
      const platform = machineTag(tags, "cordon:platform");
      if (platform !== undefined) {
        add(builder, path, { type: "channel", platform, value });
        return;
      }
      if (comment === "Cordon bulletin id") {
        builder.reference(path, `cordon:${value}`);
        return;
      }
      if (comment === "Cordon bulletin reference") {
        builder.reference(path, value);
        return;
      }
      builder.skip(path, `The text attribute "${comment || value.slice(0, 40)}" is not carried.`);
      return;
    }
    default: {
      builder.skip(path, `Cordon has no indicator type for MISP ${type} attributes.`);
      return;
    }
  }
}

function addUrl(
  builder: DraftBuilder,
  path: string,
  url: string,
  platform: string | undefined,
): void {
  if (
    platform === "telegram" ||
    (platform === undefined && /^https?:\/\/(t|telegram)\.me\//i.test(url))
  ) {
    add(builder, path, { type: "telegram_channel", value: url });
    return;
  }
  add(builder, path, { type: "channel", platform: platform ?? "website", value: url });
}

function chainFromTags(tags: readonly string[]): Chain | string | undefined {
  const named = machineTag(tags, "cordon:chain");
  return named === undefined ? undefined : (chainNamed(named) ?? named);
}

function readObject(builder: DraftBuilder, object: Record<string, unknown>, path: string): void {
  const name = String(object.name);
  const attributes = (Array.isArray(object.Attribute) ? object.Attribute : []).filter(isRecord);
  const relation = (wanted: string) => attributes.findIndex((a) => a.object_relation === wanted);
  const valueAt = (index: number) => {
    const value = attributes[index]?.value;
    return typeof value === "string" ? value : undefined;
  };
  const used = new Set<number>();
  const use = (wanted: string) => {
    const index = relation(wanted);
    if (index !== -1) used.add(index);
    return index;
  };
  const symbolAt = use("symbol");
  const symbol = valueAt(symbolAt);
  const rest = (reason: (relation: string) => string) =>
    attributes.forEach((attribute, index) => {
      if (!used.has(index))
        builder.skip(`${path}/Attribute/${index}`, reason(String(attribute.object_relation)));
    });

  switch (name) {
    case "coin-address": {
      const at = [use("address"), use("address-crypto")].find((index) => index !== -1) ?? -1;
      const address = valueAt(at);
      if (address === undefined) {
        builder.skip(
          path,
          "A coin-address without a Bitcoin or generic address (Monero is not a Cordon chain).",
        );
      } else {
        const tags = tagNames(attributes[at] ?? {});
        const chain =
          chainFromTags(tags) ??
          (relation("address") === at ? "bitcoin" : undefined) ??
          (symbol === undefined ? undefined : chainOfSymbol(symbol)) ??
          chainOfAddress(address);
        if (chain === undefined) {
          builder.skip(
            `${path}/Attribute/${at}`,
            "The address's chain is not given and its form fits several chains.",
          );
        } else {
          const input: Record<string, unknown> = { type: "crypto_address", chain, address };
          const native = typeof chain === "string" ? chainOfSymbol(symbol ?? "") === chain : false;
          if (symbol !== undefined && !native) input.asset = symbol;
          const role = /^role: ([A-Za-z0-9._-]+)$/.exec(String(object.comment ?? ""))?.[1];
          if (role !== undefined) input.role = role;
          add(builder, `${path}/Attribute/${at}`, input);
        }
      }
      rest((r) => `The coin-address's ${r} is not carried.`);
      return;
    }
    case "cryptocurrency-transaction":
    case "btc-transaction": {
      const at = use("transaction-number");
      const hash = valueAt(at);
      if (hash === undefined) {
        builder.skip(path, "A transaction object without a transaction-number.");
      } else {
        const tags = tagNames(attributes[at] ?? {});
        const chain =
          chainFromTags(tags) ??
          (name === "btc-transaction"
            ? "bitcoin"
            : symbol === undefined
              ? undefined
              : chainOfSymbol(symbol));
        if (chain === undefined) {
          builder.skip(
            `${path}/Attribute/${at}`,
            "The transaction's chain is not given (a symbol or cordon:chain tag).",
          );
        } else {
          add(builder, `${path}/Attribute/${at}`, { type: "tx_hash", chain, hash });
        }
      }
      rest((r) => `The transaction's ${r} is not carried.`);
      return;
    }
    case "telegram-account": {
      const at = use("username");
      const username = valueAt(at);
      if (username === undefined)
        builder.skip(
          path,
          "A telegram-account without a username (ids and phones are not carried).",
        );
      else add(builder, `${path}/Attribute/${at}`, { type: "telegram_channel", value: username });
      rest((r) => `The telegram-account's ${r} is not carried.`);
      return;
    }
    case "twitter-account": {
      const at = use("name");
      const handle = valueAt(at);
      if (handle === undefined) builder.skip(path, "A twitter-account without a name.");
      else
        add(builder, `${path}/Attribute/${at}`, { type: "channel", platform: "x", value: handle });
      rest((r) => `The twitter-account's ${r} is not carried.`);
      return;
    }
    case "url": {
      const at = use("url");
      const url = valueAt(at);
      attributes.forEach((attribute, index) => {
        if (URL_PARTS.has(String(attribute.object_relation))) used.add(index);
      });
      if (url === undefined) builder.skip(path, "A url object without a url.");
      else
        addUrl(
          builder,
          `${path}/Attribute/${at}`,
          url,
          machineTag(tagNames(attributes[at] ?? {}), "cordon:platform"),
        );
      rest((r) => `The url object's ${r} is not carried.`);
      return;
    }
    default:
      builder.skip(path, `Cordon has no indicator type for MISP ${name} objects.`);
  }
}
