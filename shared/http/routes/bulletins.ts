/** Routes of bulletins, screening and sightings (DESIGN §4, §5, §9). Thin: parse, call, shape. */
import { FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT, readFeedPage } from "../../bulletins/feed.js";
import { getBulletinView, revokeBulletin } from "../../bulletins/lifecycle.js";
import { publishBulletin } from "../../bulletins/publish.js";
import { PublishBodySchema, RevokeBodySchema } from "../../bulletins/schema.js";
import { ScreenBodySchema, screen } from "../../bulletins/screening.js";
import {
  BulletinViewSchema,
  FeedPageSchema,
  PublishReceiptSchema,
  ScreenResponseSchema,
} from "../../bulletins/wire.js";
import { parseOrThrow } from "../../errors/zod.js";
import type { HubDeps } from "../../hub/deps.js";
import { listSightings, reportSighting, SightingBodySchema } from "../../sightings/report.js";
import { SightingPageSchema, SightingViewSchema } from "../../sightings/types.js";
import { limitParam, PAGE_LIMITS, type PageLimits, pagingDoc, singleParam } from "../query.js";
import type { Route } from "../route.js";

const FEED_LIMITS: PageLimits = { default: FEED_DEFAULT_LIMIT, max: FEED_MAX_LIMIT };

export function bulletinRoutes(deps: HubDeps): Route[] {
  return [
    {
      method: "POST",
      path: "/v1/bulletins",
      doc: {
        summary:
          "Publish a bulletin: a compact JWS (typ cordon-bulletin+jws) signed by the publisher",
        description:
          "201 when accepted; 200 with the same receipt when the same bulletin was accepted before.",
        request: PublishBodySchema,
        responses: { 201: PublishReceiptSchema, 200: PublishReceiptSchema },
      },
      auth: "caller",
      role: "publish",
      body: "json",
      rateClass: "publish",
      handle: async ({ caller, body }) => {
        const { jws } = parseOrThrow(PublishBodySchema, body);
        const outcome = await publishBulletin(deps, caller, jws);
        return { status: outcome.created ? 201 : 200, body: outcome.receipt };
      },
    },
    {
      method: "GET",
      path: "/v1/bulletins",
      doc: {
        summary: "The change feed of what the caller may see, oldest change first",
        responses: { 200: FeedPageSchema },
        query: pagingDoc(FEED_LIMITS, "next_cursor of the previous page; opaque"),
      },
      auth: "caller",
      role: "none",
      body: "none",
      rateClass: "read",
      handle: async ({ caller, query }) => {
        const limit = limitParam(query, FEED_LIMITS);
        return {
          status: 200,
          body: await readFeedPage(deps, caller, singleParam(query, "cursor"), limit),
        };
      },
    },
    {
      method: "GET",
      path: "/v1/bulletins/{id}",
      doc: {
        summary: "One bulletin (404 when hidden or missing alike)",
        responses: { 200: BulletinViewSchema },
      },
      auth: "caller",
      role: "none",
      body: "none",
      rateClass: "read",
      handle: async ({ caller, param }) => ({
        status: 200,
        body: await getBulletinView(deps, caller, param("id")),
      }),
    },
    {
      method: "POST",
      path: "/v1/bulletins/{id}/revoke",
      doc: {
        summary: "Revoke one of the caller's bulletins",
        request: RevokeBodySchema,
        responses: { 200: BulletinViewSchema },
      },
      auth: "caller",
      role: "publish",
      body: "json",
      rateClass: "publish",
      handle: async ({ caller, param, body }) => ({
        status: 200,
        body: await revokeBulletin(deps, caller, param("id"), body),
      }),
    },
    {
      method: "GET",
      path: "/v1/bulletins/{id}/sightings",
      doc: {
        summary: "Sightings of the caller's own bulletin, newest first",
        responses: { 200: SightingPageSchema },
        query: pagingDoc(PAGE_LIMITS),
      },
      auth: "caller",
      role: "none",
      body: "none",
      rateClass: "read",
      handle: async ({ caller, param, query }) => {
        const limit = limitParam(query, PAGE_LIMITS);
        return {
          status: 200,
          body: await listSightings(deps, caller, param("id"), limit, singleParam(query, "cursor")),
        };
      },
    },
    {
      method: "POST",
      path: "/v1/screen",
      doc: {
        summary: "Screen 1–1,000 indicators against the visible, active bulletins",
        request: ScreenBodySchema,
        responses: { 200: ScreenResponseSchema },
      },
      auth: "caller",
      role: "screen",
      body: "json",
      rateClass: "screen",
      handle: async ({ caller, body }) => ({ status: 200, body: await screen(deps, caller, body) }),
    },
    {
      method: "POST",
      path: "/v1/sightings",
      doc: {
        summary: "Report a sighting to a bulletin's publisher",
        request: SightingBodySchema,
        responses: { 201: SightingViewSchema },
      },
      auth: "caller",
      role: "any-role",
      body: "json",
      rateClass: "publish",
      handle: async ({ caller, body }) => ({
        status: 201,
        body: await reportSighting(deps, caller, body),
      }),
    },
  ];
}
