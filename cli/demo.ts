/**
 * `npm run demo`: the case Cordon exists for, replayed on a local hub it starts itself,
 * each step told in plain words and checked — the demo fails (exit 1) the moment
 * anything is not as it should be. A forensics firm (trm) publishes a TLP:AMBER
 * terrorist-financing bulletin to one exchange (binance) and the central banks'
 * group; binance's webhook receives it and verifies every signature, the other
 * exchange (kraken) neither receives nor can read it, the central bank's
 * financial-monitoring unit (nbt-fmd) can; binance screens its deposit addresses,
 * finds the hit, and reports a sighting that reaches trm under a pseudonym.
 *
 * `runDemo` is also the end-to-end test `tests/e2e/demo.test.ts`.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sha256 } from "@noble/hashes/sha2.js";
import { createBase58check } from "@scure/base";
import { Webhook } from "standardwebhooks";
import { adminKeyOf, startLocalHub } from "../local/hub.js";
import type { Role } from "../shared/orgs/types.js";
import { generateSigningKey } from "../shared/signatures/keys.js";
import { verifyReceipt } from "../shared/signatures/receipt.js";
import { CordonClient } from "./sdk/client.js";
import { CordonApiError } from "./sdk/errors.js";
import type { OrgType, WebhookEvent } from "./sdk/types.js";
import { hasContent } from "./sdk/types.js";
import { verifyBulletin } from "./sdk/verify-bulletin.js";
import { verifyWebhook } from "./sdk/webhooks.js";
import {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
} from "./webhook-receiver.js";

/** The donation address of the case: a Tron USDT address advertised in a Telegram channel. */
const DONATION_ADDRESS = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
const TELEGRAM_CHANNEL = "https://t.me/example_channel";
/** How long a webhook may take to arrive on a local hub before the demo calls it lost. */
const DELIVERY_TIMEOUT_MS = 20_000;
/** How long kraken is watched for a delivery it must not get, once binance has its own. */
const SILENCE_MS = 2_000;

export class DemoCheckError extends Error {
  override name = "DemoCheckError";
}

export interface DemoOptions {
  /** Where the story is told (default: nowhere). */
  log?: (line: string) => void;
}

export interface DemoResult {
  bulletinId: string;
  steps: number;
  checks: number;
}

/** A partner of the demo: its client, and its webhook receiver once it runs one. */
interface Partner {
  id: string;
  client: CordonClient;
  inbox?: Inbox;
}

/** What a receiver got, with a way to wait for a given delivery. */
class Inbox {
  readonly verified: ReceivedWebhook[] = [];
  readonly refused: ReceivedWebhook[] = [];
  #waiters: (() => void)[] = [];

  constructor(readonly receiver: WebhookReceiver) {}

  add(webhook: ReceivedWebhook): void {
    (webhook.verified ? this.verified : this.refused).push(webhook);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  find(match: (event: WebhookEvent) => boolean): ReceivedWebhook | undefined {
    return this.verified.find((webhook) => webhook.event !== undefined && match(webhook.event));
  }

  async waitFor(
    match: (event: WebhookEvent) => boolean,
    timeoutMs: number,
  ): Promise<ReceivedWebhook | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const log = options.log ?? (() => {});
  let step = 0;
  let checks = 0;
  const say = (text: string) => {
    step += 1;
    log(`\n${step}. ${text}`);
  };
  const check = (condition: boolean, what: string, why = ""): void => {
    if (!condition)
      throw new DemoCheckError(
        `Check failed at step ${step}: ${what}${why === "" ? "" : ` (${why})`}`,
      );
    checks += 1;
    log(`   ✔ ${what}`);
  };

  const dataDir = await mkdtemp(join(tmpdir(), "cordon-demo-"));
  const hub = await startLocalHub({ dataDir, inMemory: true });
  const receivers: WebhookReceiver[] = [];
  try {
    say(`A local Cordon hub is running at ${hub.url}; its operator signs as hub-admin.`);
    const admin = new CordonClient({
      baseUrl: hub.url,
      orgId: "hub-admin",
      key: adminKeyOf(hub),
      audience: hub.deps.audience,
    });
    check(await admin.health(), "the hub answers /health");
    const hubJwks = await admin.hubJwks();
    check(hubJwks.keys.length > 0, "the hub publishes its keys at /.well-known/jwks.json");

    say(
      "Four institutions generate their own keys and send the hub operator only the public half.",
    );
    const onboard = async (
      id: string,
      name: string,
      type: OrgType,
      roles: Role[],
      groups: string[],
    ): Promise<Partner> => {
      const { signingKey, publicJwk } = await generateSigningKey("Ed25519");
      const org = await admin.admin.createOrg({
        id,
        name,
        type,
        roles,
        groups,
        jwks: { keys: [publicJwk] },
      });
      const client = new CordonClient({
        baseUrl: hub.url,
        orgId: id,
        key: signingKey,
        audience: hub.deps.audience,
      });
      const me = await client.me();
      check(
        org.id === id && me.id === id && me.status === "active",
        `${name} (${id}, ${type}${groups.length > 0 ? `, group ${groups.join(", ")}` : ""}) is onboarded and signs its own requests`,
      );
      return { id, client };
    };
    const trm = await onboard(
      "trm",
      "TRM Labs",
      "forensics",
      ["publish", "subscribe", "screen"],
      [],
    );
    const binance = await onboard(
      "binance",
      "Binance",
      "exchange",
      ["screen", "subscribe"],
      ["exchanges"],
    );
    const kraken = await onboard("kraken", "Kraken", "exchange", ["screen", "subscribe"], []);
    const nbt = await onboard(
      "nbt-fmd",
      "National Bank, Financial Monitoring Department",
      "central_bank",
      ["screen", "subscribe"],
      ["central-banks"],
    );

    say(
      "binance and kraken run webhook receivers and subscribe to new bulletins; trm subscribes to sightings.",
    );
    const subscribe = async (
      partner: Partner,
      events: ("bulletin.published" | "sighting.reported")[],
    ) => {
      const inbox: Inbox = new Inbox(
        await startWebhookReceiver({ jwks: hubJwks, onWebhook: (webhook) => inbox.add(webhook) }),
      );
      receivers.push(inbox.receiver);
      const created = await partner.client.subscriptions.create({
        url: `${inbox.receiver.url}/cordon`,
        events,
      });
      inbox.receiver.setSecret(created.secret);
      partner.inbox = inbox;
      check(
        created.status === "active" && created.secret.startsWith("whsec_"),
        `${partner.id} subscribed to ${events.join(", ")} at ${inbox.receiver.url}/cordon and keeps its signing secret`,
      );
      return created;
    };
    const binanceSubscription = await subscribe(binance, ["bulletin.published"]);
    await subscribe(kraken, ["bulletin.published"]);
    const trmSubscription = await subscribe(trm, ["sighting.reported"]);

    say(
      "trm publishes a signed TLP:AMBER terrorist-financing bulletin for binance and the central banks.",
    );
    const published = await trm.client.publish({
      title: "ISKP donation address and recruitment channel",
      summary: "USDT address advertised in a Telegram channel used to raise donations.",
      category: "terrorist_financing",
      tlp: "amber",
      audience: ["binance", "group:central-banks"],
      confidence: 85,
      indicators: [
        {
          type: "crypto_address",
          chain: "tron",
          address: DONATION_ADDRESS,
          asset: "USDT",
          role: "donation",
        },
        { type: "telegram_channel", value: TELEGRAM_CHANNEL },
      ],
      references: ["case:2026-0142"],
    });
    const bulletinId = published.id;
    check(published.created, `the hub accepted bulletin ${bulletinId}`);
    const receipt = await verifyReceipt(published.receipt, hubJwks);
    check(
      receipt.id === bulletinId && receipt.content_sha256 === published.content_sha256,
      `the hub's receipt verifies with the hub's key and dates it at ${receipt.received_at}`,
    );

    say("binance's webhook receives the bulletin and checks every signature on it.");
    const isOurs = (event: WebhookEvent) =>
      event.type === "bulletin.published" && event.data.id === bulletinId;
    const delivery = await requireInbox(binance).waitFor(isOurs, DELIVERY_TIMEOUT_MS);
    check(
      delivery !== undefined,
      "binance received bulletin.published",
      `waited ${DELIVERY_TIMEOUT_MS / 1000} s`,
    );
    const webhook = delivery as ReceivedWebhook;
    const v1 = attempt(() =>
      new Webhook(binanceSubscription.secret).verify(
        webhook.body.toString("utf8"),
        webhook.headers,
      ),
    );
    check(
      v1.ok,
      "its v1 signature verifies with binance's secret (the official standardwebhooks library)",
      v1.why,
    );
    const v1a = attempt(() =>
      verifyWebhook(webhook.headers, webhook.body, {
        jwks: hubJwks,
        subscriptionId: binanceSubscription.id,
      }),
    );
    check(
      v1a.ok,
      "its v1a signature verifies with the hub's published Ed25519 key, for binance's subscription",
      v1a.why,
    );
    const event = v1a.value;
    if (event?.type !== "bulletin.published" || !hasContent(event.data)) {
      throw new DemoCheckError(
        `Check failed at step ${step}: the delivery carries no bulletin content`,
      );
    }
    check(true, "it carries the bulletin and trm's original JWS");
    const data = event.data;
    const trmJwks = await binance.client.orgJwks("trm");
    const verified = await verifyBulletin(data.jws, trmJwks, { receipt: data.receipt, hubJwks });
    check(
      verified.payload.id === bulletinId && verified.keyStatus === "active",
      `trm's own signature verifies with trm's published key ${verified.kid}`,
    );
    check(
      verified.payload.indicators.some(
        (indicator) =>
          indicator.type === "crypto_address" && indicator.address === DONATION_ADDRESS,
      ),
      `the bulletin names the Tron USDT address ${DONATION_ADDRESS}`,
    );

    say("kraken is not in the audience: it must neither receive nor read the bulletin.");
    await new Promise((resolve) => setTimeout(resolve, SILENCE_MS));
    check(
      requireInbox(kraken).find(isOurs) === undefined,
      `kraken's webhook received nothing in the ${SILENCE_MS / 1000} s after binance got it`,
    );
    const krakenRead = await kraken.client.getBulletin(bulletinId).then(
      () => undefined,
      (error: unknown) => error,
    );
    check(
      krakenRead instanceof CordonApiError && krakenRead.status === 404,
      "kraken asking for it by id gets 404, exactly as for a bulletin that does not exist",
    );
    const krakenScreen = await kraken.client.screen([
      { type: "crypto_address", chain: "tron", address: DONATION_ADDRESS },
    ]);
    check(
      krakenScreen[0]?.match_count === 0,
      "kraken screening the address finds nothing it may not see",
    );

    say("nbt-fmd, a member of group:central-banks when trm published, can read it.");
    const nbtView = await nbt.client.getBulletin(bulletinId);
    check(
      nbtView.status === "active" && nbtView.bulletin.title === published.bulletin.title,
      `nbt-fmd reads "${nbtView.bulletin.title}" (status ${nbtView.status})`,
    );

    say("binance screens a batch of deposit addresses and finds the flagged one.");
    const batch = depositBatch(200);
    const flaggedAt = 137;
    batch.splice(flaggedAt, 0, {
      type: "crypto_address",
      chain: "tron",
      address: DONATION_ADDRESS,
    });
    const results = await binance.client.screen(batch);
    const hits = results.flatMap((result, index) => (result.match_count > 0 ? [index] : []));
    check(
      results.length === batch.length,
      `${batch.length} addresses screened, one answer each, in order`,
    );
    check(
      hits.length === 1 && hits[0] === flaggedAt,
      `exactly one hit: deposit #${flaggedAt + 1}, tron:${DONATION_ADDRESS}`,
      `hits at ${hits.join(", ") || "none"}`,
    );
    check(
      results[flaggedAt]?.matches[0]?.id === bulletinId &&
        results[flaggedAt]?.matches[0]?.category === "terrorist_financing",
      `the hit names bulletin ${bulletinId} (terrorist_financing, TLP:AMBER, trm)`,
    );

    say("binance reports the sighting to trm without naming itself.");
    const sighting = await binance.client.reportSighting({
      bulletin_id: bulletinId,
      indicator: { type: "crypto_address", chain: "tron", address: DONATION_ADDRESS },
      note: "Deposit of 1,250 USDT to a customer account; account frozen, report filed.",
    });
    check(
      sighting.reporter.startsWith("anon-") && sighting.reporter !== "binance",
      `the sighting is recorded under the pseudonym ${sighting.reporter}`,
    );

    say("trm's webhook receives the sighting: it learns the address was seen, not by whom.");
    const sightingDelivery = await requireInbox(trm).waitFor(
      (e) => e.type === "sighting.reported" && e.data.id === sighting.id,
      DELIVERY_TIMEOUT_MS,
    );
    check(
      sightingDelivery !== undefined,
      "trm received sighting.reported",
      `waited ${DELIVERY_TIMEOUT_MS / 1000} s`,
    );
    const sightingEvent = sightingDelivery?.event;
    check(
      sightingEvent?.type === "sighting.reported" &&
        sightingEvent.subscription_id === trmSubscription.id &&
        sightingEvent.data.reporter === sighting.reporter &&
        !sightingDelivery?.body.toString("utf8").includes('"binance"'),
      `it verifies (v1 and v1a) and names the reporter only as ${sighting.reporter}`,
    );
    const listed = await trm.client.listSightings(bulletinId);
    check(
      listed.items.length === 1 && listed.items[0]?.id === sighting.id,
      "trm's list of sightings of its bulletin shows it",
    );

    log(`\nAll ${checks} checks passed.`);
    return { bulletinId, steps: step, checks };
  } finally {
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Runs a check that throws, as a yes/no with the reason. */
function attempt<T>(run: () => T): { ok: boolean; value: T | undefined; why: string } {
  try {
    return { ok: true, value: run(), why: "" };
  } catch (error) {
    return {
      ok: false,
      value: undefined,
      why: error instanceof Error ? error.message : String(error),
    };
  }
}

function requireInbox(partner: Partner): Inbox {
  if (partner.inbox === undefined)
    throw new DemoCheckError(`${partner.id} runs no webhook receiver`);
  return partner.inbox;
}

/** Clean deposit addresses: Tron and Ethereum, random, with valid checksums. */
function depositBatch(
  count: number,
): { type: "crypto_address"; chain: "tron" | "ethereum"; address: string }[] {
  return Array.from({ length: count }, (_, index) =>
    index % 2 === 0
      ? { type: "crypto_address", chain: "tron", address: randomTronAddress() }
      : {
          type: "crypto_address",
          chain: "ethereum",
          address: `0x${randomBytes(20).toString("hex")}`,
        },
  );
}

const tronBase58check = createBase58check(sha256);

/** 0x41 + 20 random bytes, base58check-encoded: a well-formed Tron address no one holds. */
function randomTronAddress(): string {
  return tronBase58check.encode(Buffer.concat([Buffer.from([0x41]), randomBytes(20)]));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  console.log(
    "Cordon demo: a terrorist-financing address, from a forensics firm to the exchanges and a central bank.",
  );
  runDemo({ log: (line) => console.log(line) }).then(
    (result) => {
      console.log(
        `Demo complete: ${result.steps} steps, ${result.checks} checks, bulletin ${result.bulletinId}.`,
      );
      process.exit(0);
    },
    (error: unknown) => {
      console.error(`\nDEMO FAILED: ${error instanceof Error ? error.message : String(error)}`);
      if (error instanceof CordonApiError) {
        for (const field of error.errors) console.error(`  ${field.pointer}: ${field.message}`);
      }
      process.exit(1);
    },
  );
}
