/**
 * Caps that hold under any number of concurrent requests (an organisation's
 * subscriptions, feed tokens, …) without transactions: a roster item per organisation
 * and kind lists what it holds, and taking a place is one conditional update —
 * `size(places) < max` — made before the thing itself is written, so the roster can
 * only ever list more than exists, never less. A place whose thing never came (a
 * request that died in between) is released once it is older than RESERVATION_MS
 * and found unused; releasing is conditional on the same reservation, so it can never
 * free a place taken since.
 */
import { key } from "./keys.js";
import type { Table } from "./table.js";

/** Longer than any request that takes a place and then writes what it holds. */
export const RESERVATION_MS = 60_000;

export class Roster {
  constructor(
    private readonly table: Table,
    /** What the roster counts, e.g. "subscriptions". */
    private readonly of: string,
  ) {}

  /**
   * Takes a place for `id` unless `owner` holds `max`. `inUse` answers, of the ids on
   * the roster, those whose thing exists (asked only when the roster is full).
   */
  async take(
    owner: string,
    id: string,
    max: number,
    now: Date,
    inUse: (ids: string[]) => Promise<Set<string>>,
  ): Promise<boolean> {
    if (await this.tryTake(owner, id, max, now)) return true;
    const roster = await this.table.get(key.roster(owner, this.of));
    if (roster === undefined) {
      // The first place an owner takes: the roster item is made once, then taken from.
      await this.table.putIf({
        Item: { ...key.roster(owner, this.of), kind: "roster", places: {} },
        ConditionExpression: "attribute_not_exists(pk)",
      });
      return this.tryTake(owner, id, max, now);
    }
    const places = (roster.places ?? {}) as Record<string, string>;
    const released = await this.releaseUnused(owner, places, now, inUse);
    return released > 0 && (await this.tryTake(owner, id, max, now));
  }

  /** The ids that hold a place (a superset of what exists: see the module comment). */
  async held(owner: string): Promise<string[]> {
    const roster = await this.table.get(key.roster(owner, this.of));
    return Object.keys((roster?.places ?? {}) as Record<string, string>);
  }

  /** Gives the place back (after the thing is deleted, or if writing it failed). */
  async release(owner: string, id: string): Promise<void> {
    await this.table.updateIf({
      Key: key.roster(owner, this.of),
      UpdateExpression: "REMOVE places.#id",
      ConditionExpression: "attribute_exists(places)",
      ExpressionAttributeNames: { "#id": id },
    });
  }

  private tryTake(owner: string, id: string, max: number, now: Date): Promise<boolean> {
    return this.table.updateIf({
      Key: key.roster(owner, this.of),
      UpdateExpression: "SET places.#id = :at",
      ConditionExpression: "attribute_exists(places) AND size(places) < :max",
      ExpressionAttributeNames: { "#id": id },
      ExpressionAttributeValues: { ":at": now.toISOString(), ":max": max },
    });
  }

  private async releaseUnused(
    owner: string,
    places: Record<string, string>,
    now: Date,
    inUse: (ids: string[]) => Promise<Set<string>>,
  ): Promise<number> {
    const stale = Object.entries(places).filter(
      ([, at]) => now.getTime() - Date.parse(at) > RESERVATION_MS,
    );
    if (stale.length === 0) return 0;
    const used = await inUse(stale.map(([id]) => id));
    let released = 0;
    for (const [id, at] of stale) {
      if (used.has(id)) continue;
      const freed = await this.table.updateIf({
        Key: key.roster(owner, this.of),
        UpdateExpression: "REMOVE places.#id",
        ConditionExpression: "places.#id = :at",
        ExpressionAttributeNames: { "#id": id },
        ExpressionAttributeValues: { ":at": at },
      });
      if (freed) released += 1;
    }
    return released;
  }
}
