/** Routes of subscriptions and deliveries (DESIGN §6, §9). Thin: parse, call, shape. */
import type { HubDeps } from "../../hub/deps.js";
import {
  createSubscription,
  deleteSubscription,
  getDelivery,
  listDeliveries,
  listSubscriptions,
  ownSubscription,
  patchSubscription,
  resendDelivery,
  rotateSecret,
  testSubscription,
} from "../../subscriptions/manage.js";
import { CreateSubscriptionSchema, PatchSubscriptionSchema } from "../../subscriptions/schema.js";
import {
  CreatedSubscriptionSchema,
  DeliveryDetailSchema,
  DeliveryPageSchema,
  DeliveryViewSchema,
  PingSchema,
  SecretSchema,
  SubscriptionListSchema,
  SubscriptionViewSchema,
  toSubscriptionView,
} from "../../subscriptions/view.js";
import { limitParam, PAGE_LIMITS, pagingDoc, singleParam } from "../query.js";
import type { Route } from "../route.js";

export function subscriptionRoutes(deps: HubDeps): Route[] {
  return [
    {
      method: "POST",
      path: "/v1/subscriptions",
      doc: {
        summary: "Subscribe a webhook endpoint; the secret is shown once",
        request: CreateSubscriptionSchema,
        responses: { 201: CreatedSubscriptionSchema },
      },
      auth: "caller",
      role: "subscribe",
      body: "json",
      rateClass: "read",
      handle: async ({ caller, body }) => ({
        status: 201,
        body: await createSubscription(deps, caller, body),
      }),
    },
    {
      method: "GET",
      path: "/v1/subscriptions",
      doc: {
        summary: "The caller's subscriptions (at most 25)",
        responses: { 200: SubscriptionListSchema },
      },
      auth: "caller",
      role: "subscribe",
      body: "none",
      rateClass: "read",
      handle: async ({ caller }) => ({ status: 200, body: await listSubscriptions(deps, caller) }),
    },
    {
      method: "GET",
      path: "/v1/subscriptions/{id}",
      doc: {
        summary: "One of the caller's subscriptions",
        responses: { 200: SubscriptionViewSchema },
      },
      auth: "caller",
      role: "subscribe",
      body: "none",
      rateClass: "read",
      handle: async ({ caller, param }) => ({
        status: 200,
        body: toSubscriptionView(await ownSubscription(deps, caller, param("id"))),
      }),
    },
    {
      method: "PATCH",
      path: "/v1/subscriptions/{id}",
      doc: {
        summary: "Re-enable a disabled subscription",
        request: PatchSubscriptionSchema,
        responses: { 200: SubscriptionViewSchema },
      },
      auth: "caller",
      role: "subscribe",
      body: "json",
      rateClass: "read",
      handle: async ({ caller, param, body }) => ({
        status: 200,
        body: await patchSubscription(deps, caller, param("id"), body),
      }),
    },
    {
      method: "DELETE",
      path: "/v1/subscriptions/{id}",
      doc: { summary: "Delete a subscription", responses: { 204: undefined } },
      auth: "caller",
      role: "subscribe",
      body: "none",
      rateClass: "read",
      handle: async ({ caller, param }) => {
        await deleteSubscription(deps, caller, param("id"));
        return { status: 204 };
      },
    },
    {
      method: "POST",
      path: "/v1/subscriptions/{id}/test",
      doc: {
        summary: "Send a signed ping (at most one a minute per subscription: 429 otherwise)",
        responses: { 202: PingSchema },
      },
      auth: "caller",
      role: "subscribe",
      body: "none",
      rateClass: "publish",
      handle: async ({ caller, param }) => ({
        status: 202,
        body: await testSubscription(deps, caller, param("id")),
      }),
    },
    {
      method: "POST",
      path: "/v1/subscriptions/{id}/rotate-secret",
      doc: {
        summary: "Rotate the secret; the old one keeps signing for 24 h",
        responses: { 200: SecretSchema },
      },
      auth: "caller",
      role: "subscribe",
      body: "none",
      rateClass: "read",
      handle: async ({ caller, param }) => ({
        status: 200,
        body: await rotateSecret(deps, caller, param("id")),
      }),
    },
    {
      method: "GET",
      path: "/v1/subscriptions/{id}/deliveries",
      doc: {
        summary: "Recent deliveries, newest first",
        responses: { 200: DeliveryPageSchema },
        query: pagingDoc(PAGE_LIMITS),
      },
      auth: "caller",
      role: "subscribe",
      body: "none",
      rateClass: "read",
      handle: async ({ caller, param, query }) => {
        const limit = limitParam(query, PAGE_LIMITS);
        return {
          status: 200,
          body: await listDeliveries(
            deps,
            caller,
            param("id"),
            limit,
            singleParam(query, "cursor"),
          ),
        };
      },
    },
    {
      method: "GET",
      path: "/v1/subscriptions/{id}/deliveries/{webhook_id}",
      doc: {
        summary: "One delivery with its attempts (status, error code, first bytes of each answer)",
        responses: { 200: DeliveryDetailSchema },
      },
      auth: "caller",
      role: "subscribe",
      body: "none",
      rateClass: "read",
      handle: async ({ caller, param }) => ({
        status: 200,
        body: await getDelivery(deps, caller, param("id"), param("webhook_id")),
      }),
    },
    {
      method: "POST",
      path: "/v1/subscriptions/{id}/deliveries/{webhook_id}/retry",
      doc: {
        summary:
          "Send a delivery again now, whatever its state (resend); its attempts log keeps growing",
        responses: { 202: DeliveryViewSchema },
      },
      auth: "caller",
      role: "subscribe",
      body: "none",
      rateClass: "publish",
      handle: async ({ caller, param }) => ({
        status: 202,
        body: await resendDelivery(deps, caller, param("id"), param("webhook_id")),
      }),
    },
  ];
}
