/**
 * The change feed as the console holds it: followed from the start, page by page, and
 * then every few seconds for what is new, so a bulletin arrives on screen moments
 * after it is published (DESIGN §16 "live updates"). Each bulletin is kept once, as
 * its latest change shows it. Nothing is written to any storage: what the hub sent
 * lives in this page's memory only, and is gone when it closes or signs out.
 */
import type { CordonClient, FeedItem } from "../../../cli/sdk/index.js";
import { sleep } from "../../../cli/sdk/transport.js";

const PAGE_LIMIT = 100;
const POLL_INTERVAL_MS = 2_000;

export interface FeedSnapshot {
  /** Newest change first. */
  items: FeedItem[];
  /** True once the feed has been read to its end at least once. */
  caughtUp: boolean;
  error: unknown;
}

type Listener = (snapshot: FeedSnapshot) => void;

export class FeedFollower {
  private readonly byId = new Map<string, FeedItem>();
  private readonly listeners = new Set<Listener>();
  private readonly stop = new AbortController();
  private snapshot: FeedSnapshot = { items: [], caughtUp: false, error: undefined };

  constructor(private readonly client: CordonClient) {
    void this.follow();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.snapshot);
    return () => this.listeners.delete(listener);
  }

  current(): FeedSnapshot {
    return this.snapshot;
  }

  close(): void {
    this.stop.abort();
    this.listeners.clear();
    this.byId.clear();
  }

  private async follow(): Promise<void> {
    let cursor: string | undefined;
    const signal = this.stop.signal;
    while (!signal.aborted) {
      try {
        const page = await this.client.feedPage({
          limit: PAGE_LIMIT,
          ...(cursor === undefined ? {} : { cursor }),
        });
        cursor = page.next_cursor;
        for (const item of page.items) {
          this.byId.delete(item.id);
          this.byId.set(item.id, item);
        }
        const caughtUp = this.snapshot.caughtUp || !page.has_more;
        if (page.items.length > 0 || caughtUp !== this.snapshot.caughtUp || this.snapshot.error) {
          this.publish(caughtUp, undefined);
        }
        if (page.has_more) continue;
      } catch (error) {
        if (signal.aborted) return;
        this.publish(this.snapshot.caughtUp, error);
      }
      await sleep(POLL_INTERVAL_MS, signal).catch(() => undefined);
    }
  }

  private publish(caughtUp: boolean, error: unknown): void {
    this.snapshot = { items: [...this.byId.values()].reverse(), caughtUp, error };
    for (const listener of this.listeners) listener(this.snapshot);
  }
}
