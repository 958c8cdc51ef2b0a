/** The loopback webhook receiver behind `cordon listen` and the demo: 2xx only when verified, de-duplication. */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../../../cli/webhook-receiver.js";
import type { PublicJwk } from "../../../shared/signatures/types.js";

const secret = `whsec_${randomBytes(32).toString("base64")}`;

function signed(id: string, body: string, key = secret): Record<string, string> {
  const at = new Date();
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(key).sign(id, at, body),
  };
}

const body = (subscription = "sub_1") =>
  JSON.stringify({
    type: "ping",
    timestamp: "t",
    subscription_id: subscription,
    data: { subscription_id: subscription },
  });

describe("the webhook receiver", () => {
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.stop();
  });

  const start = async (options: Parameters<typeof startWebhookReceiver>[0] = { secret }) => {
    const received: ReceivedWebhook[] = [];
    receiver = await startWebhookReceiver({ ...options, onWebhook: (w) => void received.push(w) });
    const post = (headers: Record<string, string>, text: string) =>
      fetch(`${receiver?.url}/hook`, { method: "POST", headers, body: text }).then((r) => r.status);
    return { received, post };
  };

  it("answers 2xx to a verified delivery and 401 to anything else", async () => {
    // Prepare
    const { received, post } = await start();
    // Act
    const good = await post(signed("msg_1", body()), body());
    const forged = await post(
      signed("msg_2", body(), `whsec_${randomBytes(32).toString("base64")}`),
      body(),
    );
    const unsigned = await post({ "content-type": "application/json" }, body());
    // Assess
    expect(good).toBe(204);
    expect(forged).toBe(401);
    expect(unsigned).toBe(401);
    expect(received.map((w) => [w.verified, w.error?.code])).toEqual([
      [true, undefined],
      [false, "ERR_WEBHOOK_V1"],
      [false, "ERR_WEBHOOK_HEADERS"],
    ]);
    expect(received[0]?.event?.type).toBe("ping");
  });

  it("drops a repeated webhook-id, but a forged request cannot claim an id first", async () => {
    const { received, post } = await start();
    const text = body();
    const forgery = signed("msg_9", text, `whsec_${randomBytes(32).toString("base64")}`);
    expect(await post(forgery, text)).toBe(401);
    expect(await post(signed("msg_9", text), text)).toBe(204);
    expect(await post(signed("msg_9", text), text)).toBe(200);
    expect(received.map((w) => w.duplicate)).toEqual([false, false, true]);
  });

  it("checks the subscription the body names, refuses other methods, and takes a secret set later", async () => {
    const { post } = await start({ secret: "whsec_AAAA", subscriptionId: "sub_1" });
    receiver?.setSecret(secret);
    expect(await post(signed("m1", body("sub_2")), body("sub_2"))).toBe(401);
    expect(await post(signed("m2", body("sub_1")), body("sub_1"))).toBe(204);
    expect((await fetch(`${receiver?.url}/`)).status).toBe(405);
  });

  it("starts while the hub is down, refuses until its keys can be fetched, then checks v1a", async () => {
    // Prepare: the hub's Ed25519 key, and a hub that answers only from the second try.
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const jwk = { ...publicKey.export({ format: "jwk" }), kid: "hub-1" } as PublicJwk;
    let hubUp = false;
    const { received, post } = await start({
      refreshJwks: async () => {
        if (!hubUp) throw new TypeError("fetch failed");
        return { keys: [jwk] };
      },
    });
    const withV1a = (id: string, text: string) => {
      const headers = signed(id, text);
      const message = `${id}.${headers["webhook-timestamp"]}.${text}`;
      const v1a = sign(null, Buffer.from(message), privateKey).toString("base64");
      return { ...headers, "webhook-signature": `v1a,${v1a}` };
    };
    // Act
    const whileDown = await post(withV1a("m1", body()), body());
    hubUp = true;
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // past the retry pause
    const onceUp = await post(withV1a("m2", body()), body());
    const forged = await post(signed("m3", body()), body());
    // Assess
    expect([whileDown, onceUp, forged]).toEqual([401, 204, 401]);
    expect(received.map((w) => w.error?.code)).toEqual([
      "ERR_WEBHOOK_KEYS",
      undefined,
      "ERR_WEBHOOK_V1A",
    ]);
  });
});
