/**
 * `Mirror` (DESIGN §17): a partner's own copy of what the hub's feed shows its
 * organisation, kept in a local SQLite file, so that screening names no address to
 * the hub. It follows `GET /v1/bulletins` from its saved cursor, verifies every
 * bulletin before it counts, applies revocations and supersessions, lets the clock
 * expire bulletins, and answers `screen()` exactly as `POST /v1/screen` would for the
 * same organisation at the same moment — by the hub's own pure `screenAgainst`.
 *
 * Why the mirror can answer for visibility without knowing recipient sets: the hub
 * shows a caller only bulletins it may see, and whether an organisation may see a
 * bulletin is fixed when the hub accepts it (publisher, TLP and recipients never
 * change; DESIGN §4). So every bulletin the mirror holds is visible to its
 * organisation, for good. The index entries it hands `screenAgainst` say so in the
 * hub's own terms: a restricted bulletin someone else published lists the
 * organisation as its one recipient — the only recipient the rule asks about for
 * this caller — and the one visibility rule (an operator sees nothing, a publisher
 * its own, anyone TLP:CLEAR and GREEN, a recipient the rest) does the rest.
 */
import { ScreenBodySchema, screenAgainst } from "../../../shared/bulletins/screening.js";
import type { ScreenResult } from "../../../shared/bulletins/wire.js";
import { ForbiddenError } from "../../../shared/errors/errors.js";
import { toProblem } from "../../../shared/errors/problem.js";
import { parseOrThrow } from "../../../shared/errors/zod.js";
import { checkIndicator } from "../../../shared/indicators/indicator.js";
import { hasRole } from "../../../shared/orgs/types.js";
import type { IndexedBulletin } from "../../../shared/store/types.js";
import type { CordonClient } from "../client.js";
import { CordonApiError } from "../errors.js";
import { type ScreenOptions, screenInBatches } from "../screen-batches.js";
import { apiErrorOf, sleep } from "../transport.js";
import type { BulletinView, Change, FeedItem, ScreenInput } from "../types.js";
import { MirrorError } from "./errors.js";
import { ClientKeySource, type KeySource } from "./keys.js";
import { verifyPage } from "./page.js";
import {
  type MirroredEntry,
  type MirrorStore,
  openMirrorStore,
  type SqliteStoreOptions,
} from "./store.js";
import type { MirrorState, MirrorStatus, SetAsideChange, SyncReport } from "./types.js";

/** The feed's largest page: fewest requests for a catch-up. */
const DEFAULT_PAGE_LIMIT = 100;
const DEFAULT_POLL_INTERVAL_MS = 30_000;
/** After a failed sync, `follow` waits this long at first, doubling up to the poll interval. */
const FIRST_RETRY_MS = 1_000;

export interface MirrorOptions {
  store: MirrorStore;
  /** Signs as the mirror's organisation; without one, the mirror only screens and reports. */
  client?: CordonClient;
  /** The mirror's clock (tests); screening and freshness read it. */
  clock?: () => Date;
  /** Feed items per request, 1–100. */
  pageLimit?: number;
  /** Where keys come from (default: the hub, through `client`, cached). */
  keys?: KeySource;
  /** After each page is applied (progress, logs). */
  onPage?: (page: PageReport) => void;
}

/** One page applied: how many of its changes counted or were kept aside, and where the mirror stands. */
export interface PageReport {
  applied: number;
  set_aside: number;
  last_seq: number | null;
  has_more: boolean;
}

export interface OpenMirrorOptions extends SqliteStoreOptions, Omit<MirrorOptions, "store"> {
  /** The SQLite file (created, with its folder, if absent). */
  path: string;
  /**
   * The hub and organisation the file must mirror, when there is no client to say
   * (screening only). A file for others is refused.
   */
  expect?: { hub?: string; org?: string };
}

/** Opens a mirror file: bound to the client's hub and organisation, or checked against `expect`. */
export function openMirror(options: OpenMirrorOptions): Mirror {
  const { path, expect, ...rest } = options;
  const store = openMirrorStore(path, rest);
  try {
    const state = store.state();
    if (
      state !== undefined &&
      ((expect?.hub !== undefined && expect.hub !== state.hub) ||
        (expect?.org !== undefined && expect.org !== state.org))
    ) {
      throw new MirrorError(
        "ERR_MIRROR_BOUND_ELSEWHERE",
        `${path} mirrors ${state.org} at ${state.hub}, not ${expect?.org ?? state.org} at ${expect?.hub ?? state.hub}: ` +
          "each organisation and hub keeps its own mirror file.",
      );
    }
    return new Mirror({ ...rest, store });
  } catch (error) {
    store.close();
    throw error;
  }
}

export interface FollowOptions {
  signal: AbortSignal;
  /** Between catch-ups when no webhook wakes the mirror (default 30 s). */
  pollIntervalMs?: number;
  /** After each catch-up. */
  onSync?: (report: SyncReport) => void;
  /** After a failed catch-up; following goes on, retrying sooner. */
  onError?: (error: unknown) => void;
}

export class Mirror {
  readonly store: MirrorStore;
  private readonly client: CordonClient | undefined;
  private readonly clock: () => Date;
  private readonly pageLimit: number;
  private readonly keys: KeySource | undefined;
  private readonly onPage: ((page: PageReport) => void) | undefined;
  private running: Promise<SyncReport> | undefined;
  private queued: Promise<SyncReport> | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  /** Every indicator the mirror holds, and the last change it was read up to (see `heldIndicators`). */
  private indicators: { set: Set<string>; upTo: number | null } | undefined;

  constructor(options: MirrorOptions) {
    this.store = options.store;
    this.client = options.client;
    this.clock = options.clock ?? (() => new Date());
    this.pageLimit = options.pageLimit ?? DEFAULT_PAGE_LIMIT;
    this.onPage = options.onPage;
    if (!Number.isInteger(this.pageLimit) || this.pageLimit < 1 || this.pageLimit > 100) {
      throw new RangeError("pageLimit must be an integer from 1 to 100.");
    }
    const client = options.client;
    this.keys =
      options.keys ??
      (client === undefined
        ? undefined
        : new ClientKeySource(client, () => this.clock().getTime()));
    if (client !== undefined) this.store.bind(client.transport.baseUrl, client.orgId);
  }

  /**
   * Catches up with the feed: page after page until the hub says there is no more,
   * each page verified and then applied with its cursor in one transaction. Calls made
   * while one runs are coalesced into one more run after it, so a change committed
   * meanwhile is never missed and a burst costs one catch-up.
   */
  sync(): Promise<SyncReport> {
    this.assertOpen();
    if (this.running === undefined) {
      this.running = this.catchUp().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.sync();
      });
    return this.queued;
  }

  /**
   * Takes a webhook body the caller has verified (`verifyWebhook`, `startWebhookReceiver`)
   * as news that the feed moved: a `bulletin.published` or `bulletin.revoked` naming a
   * change after the last one held starts a catch-up at once — from the feed, the
   * source of truth; nothing in the event itself is applied. Answers that catch-up, or
   * undefined when the event brings no news.
   */
  apply(event: unknown): Promise<SyncReport> | undefined {
    const seq = changeSeqOf(event);
    if (seq === undefined) return undefined;
    const last = this.store.state()?.last_seq ?? null;
    if (last !== null && seq <= last) return undefined;
    this.wake?.();
    return this.sync();
  }

  /** Catches up now and then until `signal` aborts; `apply` wakes it early. Resolves once stopped. */
  async follow(options: FollowOptions): Promise<void> {
    const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    let retry = FIRST_RETRY_MS;
    while (!options.signal.aborted && !this.closed) {
      let wait = interval;
      try {
        options.onSync?.(await this.sync());
        retry = FIRST_RETRY_MS;
      } catch (error) {
        if (options.signal.aborted) break;
        options.onError?.(error);
        wait = Math.min(retry, interval);
        retry *= 2;
      }
      await this.pause(wait, options.signal);
    }
  }

  /**
   * `POST /v1/screen` answered locally, for the mirror's organisation at `now`: the
   * same results (shape, normalisation, order, caps) and the same refusals — a 403
   * without the `screen` role, a 422 for a body the hub would refuse — thrown as the
   * `CordonApiError` the hub's answer would give. Only a request body's size (413) has
   * no local counterpart.
   */
  screen(indicators: unknown, options: { now?: Date } = {}): { results: ScreenResult[] } {
    const state = this.screenable();
    if (!hasRole({ roles: state.roles }, "screen"))
      throw asHubAnswer(ForbiddenError.lacking("screen"));
    let inputs: unknown[];
    try {
      inputs = parseOrThrow(ScreenBodySchema, { indicators }).indicators;
    } catch (error) {
      throw asHubAnswer(error);
    }
    const checks = inputs.map((input) => checkIndicator(input));
    const known = this.heldIndicators(state.last_seq);
    const named = checks.flatMap((check) =>
      check.ok && known.has(check.normalised) ? [check.normalised] : [],
    );
    const held = this.store.entriesOf(named);
    const viewer = { id: state.org, roles: state.roles };
    const entriesOf = (indicator: string) =>
      held.get(indicator)?.map((e) => asIndexed(e, state.org));
    return {
      results: screenAgainst(inputs, checks, entriesOf, viewer, options.now ?? this.clock()),
    };
  }

  /** Any number of inputs, as `CordonClient.screen` takes them, screened locally in batches of at most 1,000. */
  screenAll(inputs: readonly ScreenInput[], options: ScreenOptions = {}): Promise<ScreenResult[]> {
    return screenInBatches(inputs, options, async (batch) => this.screen(batch).results);
  }

  /** How fresh and how large the mirror is. */
  status(): MirrorStatus {
    const state = this.store.state();
    const now = this.clock();
    const counts = this.store.counts(now);
    return {
      path: this.store.path,
      hub: state?.hub ?? this.client?.transport.baseUrl ?? "",
      org: state?.org ?? this.client?.orgId ?? "",
      schema_version: this.store.schemaVersion,
      last_change:
        state?.last_seq == null || state.last_at === null
          ? null
          : { seq: state.last_seq, at: state.last_at },
      caught_up_at: state?.caught_up_at ?? null,
      lag_ms:
        state?.caught_up_at == null
          ? null
          : Math.max(0, now.getTime() - Date.parse(state.caught_up_at)),
      ...counts,
      screen_role: state?.roles == null ? null : state.roles.includes("screen"),
    };
  }

  /** The changes kept aside because they did not verify, oldest first. */
  setAside(): SetAsideChange[] {
    return this.store.setAside();
  }

  /** Stops following and closes the file; a catch-up in flight ends at its next page. */
  close(): void {
    this.closed = true;
    this.wake?.();
    this.store.close();
  }

  private async catchUp(): Promise<SyncReport> {
    const { client, keys } = this.online();
    const me = await client.me();
    if (me.id !== client.orgId) {
      throw new MirrorError(
        "ERR_MIRROR_IDENTITY",
        `GET /v1/me answered ${me.id}, not ${client.orgId}.`,
      );
    }
    this.assertOpen();
    this.store.recordIdentity(me.roles, me.status, this.clock().toISOString());
    const report: SyncReport = {
      pages: 0,
      applied: 0,
      set_aside: 0,
      caught_up: false,
      last_seq: null,
    };
    for (;;) {
      const cursor = this.store.state()?.cursor ?? null;
      const page = await client.feedPage({
        ...(cursor === null ? {} : { cursor }),
        limit: this.pageLimit,
      });
      // Keys fetched from now on show whatever this page's bulletins need (keys.ts).
      const readAt = this.clock().getTime();
      const items = page.items.map(withChange);
      const ids = [...new Set(items.map((item) => item.id))];
      const ops = await verifyPage(items, {
        held: this.store.digests(ids),
        keys,
        readAt,
        readContent: (id) => readBulletin(client, id),
      });
      this.assertOpen();
      const committed = this.store.applyPage(cursor, {
        ops,
        next_cursor: page.next_cursor,
        ...(page.has_more ? {} : { caught_up_at: this.clock().toISOString() }),
      });
      // Another process applied this page first: read on from where it left the cursor.
      if (!committed) continue;
      const applied = ops.filter((op) => op.outcome === "applied").length;
      report.pages += 1;
      report.applied += applied;
      report.set_aside += ops.length - applied;
      report.last_seq = this.store.state()?.last_seq ?? null;
      this.onPage?.({
        applied,
        set_aside: ops.length - applied,
        last_seq: report.last_seq,
        has_more: page.has_more,
      });
      if (!page.has_more) {
        report.caught_up = true;
        return report;
      }
    }
  }

  /**
   * The indicators the mirror holds, in memory: most screened addresses are clean, and
   * this answers them with one hash lookup each; only the others are read from the
   * file. Brought up to date from the file whenever a sync — in this process or
   * another — has applied changes since.
   */
  private heldIndicators(lastSeq: number | null): ReadonlySet<string> {
    if (this.indicators === undefined) {
      this.indicators = { set: new Set(this.store.indicatorsAfter(null)), upTo: lastSeq };
    } else if (this.indicators.upTo !== lastSeq) {
      for (const indicator of this.store.indicatorsAfter(this.indicators.upTo)) {
        this.indicators.set.add(indicator);
      }
      this.indicators.upTo = lastSeq;
    }
    return this.indicators.set;
  }

  private screenable(): MirrorState & { roles: NonNullable<MirrorState["roles"]> } {
    this.assertOpen();
    const state = this.store.state();
    if (state === undefined || state.roles === null) {
      throw new MirrorError(
        "ERR_MIRROR_NEVER_SYNCED",
        `The mirror at ${this.store.path} has never synced: run a sync first (cordon mirror sync).`,
      );
    }
    return { ...state, roles: state.roles };
  }

  private online(): { client: CordonClient; keys: KeySource } {
    this.assertOpen();
    if (this.client === undefined || this.keys === undefined) {
      throw new MirrorError(
        "ERR_MIRROR_OFFLINE",
        "This mirror was opened without a client: it can screen and report, not sync.",
      );
    }
    return { client: this.client, keys: this.keys };
  }

  private assertOpen(): void {
    if (this.closed) throw new MirrorError("ERR_MIRROR_CLOSED", "The mirror is closed.");
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    const early = new AbortController();
    const stop = () => early.abort();
    signal.addEventListener("abort", stop, { once: true });
    this.wake = stop;
    try {
      await sleep(ms, early.signal);
    } catch {
      // Woken early: by an event, a close, or the caller's signal.
    } finally {
      signal.removeEventListener("abort", stop);
      if (this.wake === stop) this.wake = undefined;
    }
  }
}

/**
 * A held bulletin as the hub's index entry for this organisation: it may see it (the
 * feed showed it), so a restricted one it did not publish names it as a recipient.
 */
function asIndexed(entry: MirroredEntry, org: string): IndexedBulletin {
  const open = entry.tlp === "clear" || entry.tlp === "green" || entry.issuer === org;
  return { ...entry, recipients: open ? [] : [org] };
}

/** The change a bulletin event reports (DESIGN §10), if it is one. */
function changeSeqOf(event: unknown): number | undefined {
  if (typeof event !== "object" || event === null) return undefined;
  const { type, change } = event as { type?: unknown; change?: { seq?: unknown } };
  if (type !== "bulletin.published" && type !== "bulletin.revoked") return undefined;
  const seq = change?.seq;
  return typeof seq === "number" && Number.isInteger(seq) && seq >= 0 ? seq : undefined;
}

/** A TLP:RED bulletin's content by direct GET; undefined when the hub answers 404. */
async function readBulletin(client: CordonClient, id: string): Promise<BulletinView | undefined> {
  try {
    return await client.getBulletin(id);
  } catch (error) {
    if (error instanceof CordonApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** What the hub would answer for this refusal, as the error a client gets for it. */
function asHubAnswer(error: unknown): CordonApiError {
  const { status, problem } = toProblem(error);
  if (status >= 500) throw error;
  return apiErrorOf({ status, body: problem });
}

/** A feed item as a v1.1 hub sends it: with its change (DESIGN §10), which the mirror logs. */
function withChange(item: FeedItem): FeedItem & { change: Change } {
  if (item.change === undefined) {
    throw new MirrorError(
      "ERR_MIRROR_HUB_VERSION",
      `The feed's item ${item.id} carries no change: the hub predates Cordon 1.1, which a mirror needs.`,
    );
  }
  return { ...item, change: item.change };
}
