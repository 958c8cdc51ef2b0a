/**
 * Rate-limit buckets: one item per scope holding its GCRA theoretical arrival time
 * (`tat`, whole microseconds) and a `ttl` a minute past it, when a full bucket and no
 * item mean the same. Each take is one conditional UpdateItem, chosen by what this
 * process already knows of the bucket; a refusal it can prove from that costs none.
 *
 * Why no read: TAT only ever grows (both writes below move it forward), so whatever
 * value this process last saw is a lower bound of the stored one. With it:
 * - known TAT > now + τ: the bucket is empty — refused, no request at all;
 * - known TAT > now: "continue" — `tat = tat + interval` if `tat ≤ now + τ`; a failed
 *   condition means empty (the stored TAT is above now + τ);
 * - otherwise "start" — `tat = now + interval` if the bucket is full (`tat ≤ now` or no
 *   item); a failed condition means another process took from it since, so "continue".
 * A failed condition also hands back the stored TAT (ReturnValuesOnConditionCheckFailure),
 * which this process then knows exactly. So a request costs one write, two only when
 * another process changed the bucket since this one last looked, and a flood of
 * refusals costs one write per process and then none until the bucket has a unit again.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Admission } from "../../ratelimits/gcra.js";
import type { BucketSpec, RateLimitStore } from "../rate-limits.js";
import { key } from "./keys.js";
import { isConditionFailure, type Table } from "./table.js";

/** Buckets this process remembers; past it, it starts afresh (knowing nothing is always safe). */
const MAX_REMEMBERED = 10_000;
/** How long a bucket's item outlives its TAT: by then it is full, and no item means full. */
const EXPIRY_SLACK_MS = 60_000;

export class DynamoRateLimitStore implements RateLimitStore {
  /** A lower bound of each bucket's TAT, in microseconds. */
  private readonly known = new Map<string, number>();

  constructor(private readonly table: Table) {}

  async take(scope: string, bucket: BucketSpec, nowMs: number): Promise<Admission> {
    const now = Math.round(nowMs * 1000);
    const interval = Math.max(1, Math.round(bucket.intervalMs * 1000));
    const limit = now + Math.round(bucket.toleranceMs * 1000);
    if (this.knownTat(scope) > limit) return refused(this.knownTat(scope));

    if (this.knownTat(scope) <= now) {
      const started = await this.update(scope, {
        UpdateExpression: "SET tat = :tat, #ttl = :ttl",
        ConditionExpression: "attribute_not_exists(tat) OR tat <= :now",
        ExpressionAttributeValues: { ":tat": now + interval, ":now": now },
        expiresAfter: now + interval,
      });
      if (started.applied) return this.admitted(scope, started.tat);
      this.remember(scope, started.tat ?? now + 1);
      if (this.knownTat(scope) > limit) return refused(this.knownTat(scope));
    }
    const continued = await this.update(scope, {
      UpdateExpression: "SET tat = tat + :interval, #ttl = :ttl",
      ConditionExpression: "tat <= :limit",
      ExpressionAttributeValues: { ":interval": interval, ":limit": limit },
      expiresAfter: limit + interval,
    });
    if (continued.applied) return this.admitted(scope, continued.tat);
    this.remember(scope, continued.tat ?? limit + 1);
    return refused(this.knownTat(scope));
  }

  /**
   * The update, answering the TAT it wrote, or when its condition failed the TAT it
   * found (DynamoDB returns the item; the embedded server does not, so then undefined).
   */
  private async update(
    scope: string,
    input: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeValues: Record<string, number>;
      expiresAfter: number;
    },
  ): Promise<{ applied: true; tat: number } | { applied: false; tat: number | undefined }> {
    const ttl = Math.ceil((input.expiresAfter / 1000 + EXPIRY_SLACK_MS) / 1000);
    try {
      const output = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: key.rateLimit(scope),
          UpdateExpression: input.UpdateExpression,
          ConditionExpression: input.ConditionExpression,
          ExpressionAttributeNames: { "#ttl": "ttl" },
          ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ":ttl": ttl },
          ReturnValues: "UPDATED_NEW",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { applied: true, tat: Number(output.Attributes?.tat) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const found = (error as { Item?: Record<string, { N?: string }> }).Item?.tat?.N;
      return { applied: false, tat: found === undefined ? undefined : Number(found) };
    }
  }

  private knownTat(scope: string): number {
    return this.known.get(scope) ?? 0;
  }

  private admitted(scope: string, tat: number): Admission {
    this.remember(scope, tat);
    return { admitted: true, tatMs: tat / 1000 };
  }

  private remember(scope: string, tat: number): void {
    if (this.knownTat(scope) >= tat) return;
    if (this.known.size >= MAX_REMEMBERED) this.known.clear();
    this.known.set(scope, tat);
  }
}

function refused(tat: number): Admission {
  return { admitted: false, tatMs: tat / 1000 };
}
