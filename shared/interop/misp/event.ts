/**
 * One bulletin as one MISP event in MISP's feed format (DESIGN §13). Addresses are
 * `coin-address` objects, transactions `cryptocurrency-transaction` objects, public
 * Telegram channels `telegram-account` objects, X accounts `twitter-account`
 * objects, web links and Telegram invite links `url` objects (each with the object
 * template's own uuid, version and relations from MISP's misp-objects), e-mail
 * addresses `email` attributes and other platforms' handles `text` attributes. Tags:
 * `tlp:<level>` (MISP's TLP 2.0 taxonomy), `cordon:category="…"`, and
 * `cordon:revoked` / `cordon:superseded` once withdrawn, when every indicator's
 * `to_ids` turns false. `timestamp` is the last change's `at`, so MISP sees a
 * withdrawal as an update.
 */
import type { Category } from "../../bulletins/schema.js";
import { checkIndicator } from "../../indicators/indicator.js";
import type { Indicator } from "../../indicators/types.js";
import { SYMBOL_OF_CHAIN } from "../chains.js";
import { type BulletinHistory, checkHistory, epochSeconds, utcTimestamp } from "../history.js";
import { exportTlp } from "../stix/markings.js";
import type { ExportTlp } from "../stix/types.js";
import type { MispAttribute, MispEvent, MispEventHeader, MispObject, MispTag } from "./types.js";
import { mispEventUuid, mispUuid } from "./uuid.js";

/** The object templates used, as misp-objects defines them (name, uuid, version, category). */
export const MISP_TEMPLATES = {
  "coin-address": {
    uuid: "d0e6997e-78da-4815-a6a1-cfc1c1cb8a46",
    version: "7",
    metaCategory: "financial",
    description: "An address used in a cryptocurrency",
  },
  "cryptocurrency-transaction": {
    uuid: "a4aab70f-e43a-48cb-bf82-505de8228dd6",
    version: "3",
    metaCategory: "financial",
    description: "An object to describe a cryptocurrency transaction.",
  },
  "telegram-account": {
    uuid: "06f02ecf-5afb-42c5-9cb0-b362e222f52c",
    version: "2",
    metaCategory: "misc",
    description: "Information related to a telegram account",
  },
  "twitter-account": {
    uuid: "8066563f-881e-4f6a-9d6c-a9d15b8658bb",
    version: "7",
    metaCategory: "misc",
    description: "Twitter account.",
  },
  url: {
    uuid: "60efb77b-40b5-4c46-871b-ed1ed999fce5",
    version: "10",
    metaCategory: "network",
    description:
      "url object describes an url along with its normalized field (like extracted using faup parsing library) and its metadata.",
  },
} as const;

export type MispTemplateName = keyof typeof MISP_TEMPLATES;

/** Colours of MISP's tlp taxonomy (version 10). */
const TLP_COLOURS: Readonly<Record<ExportTlp, string>> = {
  clear: "#ffffff",
  green: "#33FF00",
  amber: "#FFC000",
  "amber+strict": "#FFC000",
};

export function mispTag(name: string, colour = "#ffffff"): MispTag {
  return { colour, local: false, name, relationship_type: "" };
}

export const categoryTag = (category: Category) => `cordon:category="${category}"`;
export const chainTag = (chain: string) => `cordon:chain="${chain}"`;
export const platformTag = (platform: string) => `cordon:platform="${platform}"`;
export const REVOKED_TAG = "cordon:revoked";
export const SUPERSEDED_TAG = "cordon:superseded";

/**
 * MISP timestamps are whole seconds; two changes in one second would look like no
 * update. Each change's timestamp is its `at` in seconds, or one more than the
 * previous change's, whichever is later.
 */
export function changeTimestamps(history: BulletinHistory): number[] {
  const stamps: number[] = [];
  for (const change of history.changes) {
    const previous = stamps[stamps.length - 1];
    const own = epochSeconds(change.at);
    stamps.push(previous === undefined ? own : Math.max(own, previous + 1));
  }
  return stamps;
}

interface EventContext {
  bulletinId: string;
  timestamp: string;
  active: boolean;
}

function attribute(
  context: EventContext,
  key: Record<string, unknown>,
  fields: {
    type: string;
    category: string;
    value: string;
    comment?: string;
    indicator?: boolean;
    relation?: string;
    tags?: string[];
  },
): MispAttribute {
  const indicator = fields.indicator === true;
  return {
    category: fields.category,
    comment: fields.comment ?? "",
    deleted: false,
    disable_correlation: !indicator,
    ...(fields.relation === undefined ? {} : { object_relation: fields.relation }),
    timestamp: context.timestamp,
    to_ids: indicator && context.active,
    type: fields.type,
    uuid: mispUuid({ bulletin: context.bulletinId, ...key }),
    value: fields.value,
    ...(fields.tags === undefined ? {} : { Tag: fields.tags.map((name) => mispTag(name)) }),
  };
}

function object(
  context: EventContext,
  index: number,
  name: MispTemplateName,
  comment: string,
  attributes: MispAttribute[],
): MispObject {
  const template = MISP_TEMPLATES[name];
  return {
    Attribute: attributes,
    comment,
    deleted: false,
    description: template.description,
    "meta-category": template.metaCategory,
    name,
    template_uuid: template.uuid,
    template_version: template.version,
    timestamp: context.timestamp,
    uuid: mispUuid({ bulletin: context.bulletinId, object: index }),
  };
}

type Mapped = { object: MispObject } | { attribute: MispAttribute };

/** One indicator as a MISP object or attribute. */
function mapIndicator(context: EventContext, indicator: Indicator, index: number): Mapped {
  const check = checkIndicator(indicator);
  if (!check.ok) throw new TypeError(`Invalid indicator: ${check.error.message}`);
  const normalised = check.normalised;
  const at = (relation: string) => ({ index, relation });
  switch (indicator.type) {
    case "crypto_address": {
      const address = indicator.address.trim();
      const bitcoin = indicator.chain === "bitcoin";
      const symbol = (indicator.asset ?? SYMBOL_OF_CHAIN[indicator.chain]).toUpperCase();
      return {
        object: object(
          context,
          index,
          "coin-address",
          indicator.role ? `role: ${indicator.role}` : "",
          [
            attribute(context, at(bitcoin ? "address" : "address-crypto"), {
              type: bitcoin ? "btc" : "text",
              category: "Financial fraud",
              value: address,
              relation: bitcoin ? "address" : "address-crypto",
              indicator: true,
              tags: [chainTag(indicator.chain)],
            }),
            attribute(context, at("symbol"), {
              type: "text",
              category: "Other",
              value: symbol,
              relation: "symbol",
            }),
          ],
        ),
      };
    }
    case "tx_hash": {
      const hash = normalised.slice(`${indicator.chain}:tx:`.length);
      return {
        object: object(context, index, "cryptocurrency-transaction", "", [
          attribute(context, at("transaction-number"), {
            type: "text",
            category: "Financial fraud",
            value: hash,
            relation: "transaction-number",
            indicator: true,
            tags: [chainTag(indicator.chain)],
          }),
          attribute(context, at("symbol"), {
            type: "text",
            category: "Other",
            value: SYMBOL_OF_CHAIN[indicator.chain],
            relation: "symbol",
          }),
        ]),
      };
    }
    case "telegram_channel":
      return telegram(context, index, normalised.slice("telegram:".length));
    case "channel": {
      const platform = normalised.slice(0, normalised.indexOf(":"));
      const value = normalised.slice(platform.length + 1);
      switch (platform) {
        case "telegram":
          return telegram(context, index, value);
        case "x":
          return {
            object: object(context, index, "twitter-account", "", [
              attribute(context, at("name"), {
                type: "text",
                category: "Social network",
                value,
                relation: "name",
                indicator: true,
              }),
            ]),
          };
        case "website":
          return urlObject(context, index, value, "website");
        case "email":
          return {
            attribute: attribute(context, at("email"), {
              type: "email",
              category: "Social network",
              value,
              indicator: true,
            }),
          };
        default:
          return {
            attribute: attribute(context, at("handle"), {
              type: "text",
              category: "Social network",
              value,
              comment: `${platform} handle`,
              indicator: true,
              tags: [platformTag(platform)],
            }),
          };
      }
    }
  }
}

function telegram(context: EventContext, index: number, channel: string): Mapped {
  if (channel.startsWith("+"))
    return urlObject(context, index, `https://t.me/${channel}`, "telegram");
  return {
    object: object(context, index, "telegram-account", "", [
      attribute(
        context,
        { index, relation: "username" },
        {
          type: "text",
          category: "Social network",
          value: channel,
          relation: "username",
          indicator: true,
        },
      ),
    ]),
  };
}

function urlObject(context: EventContext, index: number, url: string, platform: string): Mapped {
  return {
    object: object(context, index, "url", "", [
      attribute(
        context,
        { index, relation: "url" },
        {
          type: "url",
          category: "Network activity",
          value: url,
          relation: "url",
          indicator: true,
          tags: [platformTag(platform)],
        },
      ),
    ]),
  };
}

/** The bulletin as a MISP event at its latest change. */
/** The event without its attributes and objects: what `manifest.json` lists of it. */
export function mispEventHeader(history: BulletinHistory): MispEventHeader {
  checkHistory(history);
  const { view } = history;
  const payload = view.bulletin;
  const tlp = exportTlp(payload.tlp);
  const stamps = changeTimestamps(history);
  const tags = [mispTag(`tlp:${tlp}`, TLP_COLOURS[tlp]), mispTag(categoryTag(payload.category))];
  if (history.changes.some((change) => change.kind === "superseded"))
    tags.push(mispTag(SUPERSEDED_TAG));
  if (history.changes.some((change) => change.kind === "revoked")) tags.push(mispTag(REVOKED_TAG));
  return {
    analysis: "2",
    date: utcTimestamp(payload.issued_at).slice(0, 10),
    extends_uuid: "",
    info: payload.title,
    protected: false,
    publish_timestamp: String(stamps[0]),
    published: true,
    threat_level_id: "4",
    timestamp: String(stamps[stamps.length - 1]),
    uuid: mispEventUuid(view.id),
    Orgc: { name: history.issuer_name.trim(), uuid: mispUuid({ organisation: view.issuer }) },
    Tag: tags,
  };
}

export function mispEvent(history: BulletinHistory): MispEvent {
  const header = mispEventHeader(history);
  const { view } = history;
  const payload = view.bulletin;
  const withdrawn = history.changes.some((change) => change.kind !== "published");
  const context: EventContext = {
    bulletinId: view.id,
    timestamp: header.timestamp,
    active: !withdrawn,
  };
  const objects: MispObject[] = [];
  const attributes: MispAttribute[] = [
    attribute(
      context,
      { about: "bulletin-id" },
      {
        type: "text",
        category: "Other",
        value: view.id,
        comment: "Cordon bulletin id",
      },
    ),
    attribute(
      context,
      { about: "content-sha256" },
      {
        type: "text",
        category: "Other",
        value: view.content_sha256,
        comment: "Cordon content_sha256: SHA-256 of the publisher's signed payload",
      },
    ),
    attribute(
      context,
      { about: "receipt" },
      {
        type: "text",
        category: "Other",
        value: view.receipt,
        comment: "Cordon hub receipt (compact JWS)",
      },
    ),
  ];
  if (payload.summary) {
    attributes.push(
      attribute(
        context,
        { about: "summary" },
        {
          type: "comment",
          category: "Other",
          value: payload.summary,
          comment: "Cordon bulletin summary",
        },
      ),
    );
  }
  (payload.references ?? []).forEach((reference, index) => {
    attributes.push(
      attribute(
        context,
        { about: "reference", index },
        {
          type: "text",
          category: "Other",
          value: reference,
          comment: "Cordon bulletin reference",
        },
      ),
    );
  });
  payload.indicators.forEach((indicator, index) => {
    const mapped = mapIndicator(context, indicator, index);
    if ("object" in mapped) objects.push(mapped.object);
    else attributes.push(mapped.attribute);
  });
  return { Event: { ...header, Attribute: attributes, Object: objects } };
}
