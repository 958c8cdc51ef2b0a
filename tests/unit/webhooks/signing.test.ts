import { createPublicKey, verify } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateHubKeySet, hubJwks } from "../../../shared/signatures/hub-keys.js";
import { newWebhookSecret, signWebhook, webhookId } from "../../../shared/webhooks/signing.js";

describe("Standard Webhooks signing", () => {
  it("signs v1 for every live secret and v1a for every hub key", async () => {
    // Prepare
    const hub = await generateHubKeySet();
    const secrets = [newWebhookSecret(), newWebhookSecret()];
    const body = JSON.stringify({
      type: "ping",
      timestamp: "2026-11-25T12:00:00Z",
      subscription_id: "s",
      data: {},
    });
    // Act
    const headers = await signWebhook({
      id: "msg_1",
      timestamp: new Date(),
      body,
      secrets,
      hubKeys: hub.all,
    });
    // Assess
    for (const secret of secrets)
      expect(() => new Webhook(secret).verify(body, { ...headers })).not.toThrow();
    const [jwk] = hubJwks(hub).keys;
    const v1a =
      headers["webhook-signature"].split(" ").find((part) => part.startsWith("v1a,")) ?? "";
    const signed = Buffer.from(`msg_1.${headers["webhook-timestamp"]}.${body}`);
    expect(
      verify(
        null,
        signed,
        createPublicKey({ key: jwk as never, format: "jwk" }),
        Buffer.from(v1a.slice(4), "base64"),
      ),
    ).toBe(true);
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).toThrow();
    expect(() => new Webhook(secrets[0] ?? "").verify(`${body} `, { ...headers })).toThrow();
  });

  it("derives a stable webhook-id per event and subscription", () => {
    expect(webhookId("e1", "s1")).toBe(webhookId("e1", "s1"));
    expect(webhookId("e1", "s1")).not.toBe(webhookId("e1", "s2"));
    expect(webhookId("e1", "s1")).toMatch(/^msg_[a-z2-7]{32}$/);
  });
});
