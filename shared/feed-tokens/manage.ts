/**
 * Managing feed tokens (DESIGN §11): create (the token shown once), list, revoke. Any
 * active organisation but an admin may hold them; another organisation's token does
 * not exist for the caller.
 */
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors/errors.js";
import { parseOrThrow } from "../errors/zod.js";
import type { HubDeps } from "../hub/deps.js";
import { isAdmin, type Organisation } from "../orgs/types.js";
import { type CreatedFeedToken, CreateFeedTokenSchema, type FeedTokenView } from "./schema.js";
import { feedTokenDigest, newFeedToken } from "./token.js";
import {
  FEED_TOKEN_MAX_DAYS,
  FEED_TOKEN_MAX_TLP,
  FEED_TOKEN_MIN_MINUTES,
  type FeedTokenRecord,
  MAX_LIVE_FEED_TOKENS,
} from "./types.js";

const DAY_MS = 24 * 60 * 60 * 1000;

type Deps = Pick<HubDeps, "store" | "clock" | "newId" | "logger">;

export async function createFeedToken(
  deps: Deps,
  caller: Organisation,
  body: unknown,
): Promise<CreatedFeedToken> {
  refuseAdmin(caller);
  const parsed = parseOrThrow(CreateFeedTokenSchema, body);
  const now = deps.clock.now();
  const expiresAt = expiryOf(parsed.expires_at, now);
  const id = deps.newId();
  const token = newFeedToken(id);
  const record: FeedTokenRecord = {
    id,
    org_id: caller.id,
    name: parsed.name,
    token_sha256: feedTokenDigest(token),
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
  };
  if (!(await deps.store.feedTokens.addFeedToken(record, MAX_LIVE_FEED_TOKENS, now))) {
    throw new ConflictError(
      `An organisation holds at most ${MAX_LIVE_FEED_TOKENS} live feed tokens: revoke one first.`,
    );
  }
  deps.logger.info("feed token created", { org: caller.id, feed_token: id });
  return {
    id,
    name: record.name,
    token,
    created_at: record.created_at,
    expires_at: record.expires_at,
    max_tlp: FEED_TOKEN_MAX_TLP,
  };
}

export async function listFeedTokens(
  deps: Deps,
  caller: Organisation,
): Promise<{ items: FeedTokenView[] }> {
  refuseAdmin(caller);
  const now = deps.clock.now();
  const records = await deps.store.feedTokens.listFeedTokens(caller.id);
  return {
    items: records
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
      .map((record) => toFeedTokenView(record, now)),
  };
}

/** Revoked at once: the next request presenting it is refused. */
export async function revokeFeedToken(deps: Deps, caller: Organisation, id: string): Promise<void> {
  refuseAdmin(caller);
  if (!(await deps.store.feedTokens.deleteFeedToken(caller.id, id))) {
    throw new NotFoundError("feed token");
  }
  deps.logger.info("feed token revoked", { org: caller.id, feed_token: id });
}

export function toFeedTokenView(record: FeedTokenRecord, now: Date): FeedTokenView {
  return {
    id: record.id,
    name: record.name,
    created_at: record.created_at,
    expires_at: record.expires_at,
    max_tlp: FEED_TOKEN_MAX_TLP,
    status: isExpired(record, now) ? "expired" : "active",
  };
}

export function isExpired(record: Pick<FeedTokenRecord, "expires_at">, now: Date): boolean {
  return Date.parse(record.expires_at) <= now.getTime();
}

/**
 * The default and the longest lifetime are 90 days, the shortest ten minutes — longer
 * than a roster reservation (store/dynamo/roster.ts), so an expired token's place is
 * always free to give back and expired tokens never count towards the cap.
 */
function expiryOf(requested: string | undefined, now: Date): Date {
  const latest = new Date(now.getTime() + FEED_TOKEN_MAX_DAYS * DAY_MS);
  if (requested === undefined) return latest;
  const at = new Date(requested);
  if (at.getTime() < now.getTime() + FEED_TOKEN_MIN_MINUTES * 60_000) {
    throw ValidationError.at(
      "/expires_at",
      `expires_at must be at least ${FEED_TOKEN_MIN_MINUTES} minutes ahead`,
    );
  }
  if (at.getTime() > latest.getTime()) {
    throw ValidationError.at(
      "/expires_at",
      `a feed token lives at most ${FEED_TOKEN_MAX_DAYS} days: expires_at must be before ${latest.toISOString()}`,
    );
  }
  return at;
}

function refuseAdmin(caller: Organisation): void {
  if (isAdmin(caller)) {
    throw new ForbiddenError("The operator holds no feed tokens: it sees no bulletin.");
  }
}
