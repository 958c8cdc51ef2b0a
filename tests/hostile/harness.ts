/**
 * The hostile-input harness: a local hub with a few organisations, bulletins and
 * subscriptions, and `probe`, which sends one request exactly as given and checks
 * what every answer owes (DESIGN §7–§9): no 5xx, problem+json errors, no stack or
 * path in any body, an answer within a second, never 2xx for a forged request — and
 * no stored side effect from a refused one, by comparing a Scan of the whole table
 * before and after. The one write a refused request may make is the replay guard of a
 * token that passed every token check (DESIGN §9: such a token is spent), and a token
 * that failed them must not even make that.
 */
import { signRequestToken } from "../../shared/signatures/request-token.js";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { type RawAnswer, type RawRequest, sendRaw } from "../helpers/raw-http.js";
import {
  contractViolations,
  isGatewayAnswer,
  SLOWEST_ANSWER_MS,
} from "../helpers/response-contract.js";
import {
  diffSnapshots,
  replayGuardKey,
  snapshotTable,
  type TableSnapshot,
} from "../helpers/table-snapshot.js";
import { logWrites, type WriteLog } from "../helpers/write-log.js";

export interface ProbeOptions {
  /** The request carries a token the org really signed for it: its replay guard may be written. */
  signedBy?: { iss: string; jti: string };
  /** Not the org's own request (forged, mangled, replayed, unsigned): never 2xx, nothing stored. */
  forged?: boolean;
  /** Statuses the answer must be one of. */
  expect?: readonly number[];
  /** A route that stores nothing even when it succeeds (reads, screening). */
  readOnly?: boolean;
  /**
   * A request made with a real signature of this organisation that is refused after the
   * signature check (a replay): it may take from the organisation's bucket (DESIGN §15).
   */
  movesBucketOf?: string;
}

/**
 * How many generated cases a property tries: `base` in `npm test`, times
 * $CORDON_HOSTILE_SCALE where a longer campaign is wanted (`npm run test:soak` runs ×5).
 */
export function runs(base: number): number {
  const scale = Number(process.env.CORDON_HOSTILE_SCALE ?? 1);
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** Problem types of checks that run before the token is read (DESIGN §9 precedence). */
const BEFORE_TOKEN = new Set(["body-too-large", "route-not-found", "method-not-allowed"]);

/**
 * How often a refused request's table is read back whole: every request's writes are
 * logged by key, and after every `SCAN_EVERY`th refusal (by default each one) the table
 * is also Scanned and compared with the last Scan, which checks the log as well. After
 * a success the table is read again once it has settled, as the new baseline.
 */
const SCAN_EVERY = Number(process.env.CORDON_HOSTILE_SCAN_EVERY ?? 1);

export class Harness {
  private baseline: TableSnapshot = new Map();
  /** Replay guards the requests since the last Scan were allowed to write. */
  private allowedSinceScan = new Set<string>();
  private sinceScan = 0;
  private readonly counts = new Map<string, number>();
  private readonly writes: WriteLog;
  slowest = 0;
  scans = 0;
  /** The slowest answer allowed: see calibrate(). */
  slowestAllowed = SLOWEST_ANSWER_MS;

  private constructor(
    readonly t: TestHub,
    readonly orgs: {
      publisher: TestOrg;
      screener: TestOrg;
      subscriber: TestOrg;
      other: TestOrg;
      victim: TestOrg;
    },
    readonly fixtures: {
      /** The publisher's own bulletins: green, and amber for the screener. */
      bulletinIds: string[];
      /** Another organisation's red bulletin, hidden from everyone here but `other`. */
      hiddenBulletinId: string;
      addresses: string[];
      subscriptionId: string;
    },
  ) {
    this.writes = logWrites(t.hub.dynamoClient);
  }

  static async start(): Promise<Harness> {
    // The test hub's rates are out of the way (tests/helpers/hub.ts): these probes are
    // about input, and rate limits have a suite of their own (tests/abuse).
    const t = await startTestHub();
    const publisher = await t.onboard("publisher", {
      type: "forensics",
      roles: ["publish", "screen"],
      groups: ["analysts"],
    });
    const screener = await t.onboard("screener", { roles: ["screen"], groups: ["exchanges"] });
    const subscriber = await t.onboard("subscriber", { roles: ["subscribe", "screen"] });
    const other = await t.onboard("other", { roles: ["publish", "screen"], keyKind: "ES256" });
    // Onboarding, roles and groups are changed only on this one by the admin fuzz.
    const victim = await t.onboard("victim", { roles: ["screen"] });
    const addresses = [randomEvmAddress(), randomEvmAddress(), randomEvmAddress()];
    const bulletinIds: string[] = [];
    for (const [i, address] of addresses.entries()) {
      const payload = bulletinPayload("publisher", {
        indicators: [{ type: "crypto_address", chain: "ethereum", address }],
        ...(i === 1 ? { tlp: "amber", audience: ["group:exchanges"] } : {}),
      });
      const published = await publish(publisher, payload);
      if (published.status !== 201) throw new Error(published.text);
      bulletinIds.push(payload.id);
    }
    const hidden = bulletinPayload("other", {
      tlp: "red",
      audience: ["victim"],
      indicators: [{ type: "crypto_address", chain: "ethereum", address: addresses[0] as string }],
    });
    if ((await publish(other, hidden)).status !== 201) throw new Error("publishing failed");
    // Only sightings are subscribed to, and none is reported, so no delivery runs behind the probes.
    const subscription = await subscriber.client.raw("POST", "/v1/subscriptions", {
      body: { url: "http://127.0.0.1:9/hooks", events: ["sighting.reported"] },
    });
    if (subscription.status !== 201) throw new Error(subscription.text);
    const harness = new Harness(
      t,
      { publisher, screener, subscriber, other, victim },
      {
        bulletinIds,
        hiddenBulletinId: hidden.id,
        addresses,
        subscriptionId: (subscription.body as { id: string }).id,
      },
    );
    await harness.calibrate();
    await harness.settle();
    return harness;
  }

  /**
   * How long the heaviest ordinary request takes on this machine now — screening 1,000
   * clean addresses, the median of five — so that "pathologically slow" means the same
   * on an idle laptop and on a busy CI machine: a hostile answer may take a second, or
   * ten times that request, whichever is longer.
   */
  private async calibrate(): Promise<void> {
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const indicators = Array.from({ length: 1000 }, () => ({
        type: "crypto_address",
        chain: "ethereum",
        address: randomEvmAddress(),
      }));
      const started = performance.now();
      const answer = await this.orgs.screener.client.raw("POST", "/v1/screen", {
        body: { indicators },
      });
      if (answer.status !== 200) throw new Error(`calibration: ${answer.text}`);
      times.push(performance.now() - started);
    }
    const median = times.sort((a, b) => a - b)[2] ?? 0;
    this.slowestAllowed = Math.max(SLOWEST_ANSWER_MS, 10 * median);
  }

  get url(): string {
    return this.t.hub.url;
  }

  /** A real token of `org` for exactly this request, and its jti. */
  async sign(
    org: Pick<TestOrg, "id" | "key">,
    method: string,
    pathAndQuery: string,
    body: Uint8Array | string = new Uint8Array(0),
  ): Promise<{ authorization: string; jti: string; token: string }> {
    const jti = `hostile-${crypto.randomUUID()}`;
    const token = await signRequestToken({
      iss: org.id,
      aud: this.t.hub.deps.audience,
      method,
      pathAndQuery,
      body,
      key: org.key,
      jti,
    });
    return { authorization: `Bearer ${token}`, jti, token };
  }

  /** Sends `request` as `org` would, signed for exactly these bytes, and probes it. */
  async probeSigned(
    category: string,
    org: Pick<TestOrg, "id" | "key">,
    request: RawRequest & { contentType?: string },
    options: Omit<ProbeOptions, "signedBy"> = {},
  ): Promise<RawAnswer> {
    const { authorization, jti } = await this.sign(org, request.method, request.path, request.body);
    const headers: [string, string][] = [["authorization", authorization]];
    if (request.contentType !== undefined) headers.push(["content-type", request.contentType]);
    return this.probe(
      category,
      { ...request, headers: [...headers, ...(request.headers ?? [])] },
      { ...options, signedBy: { iss: org.id, jti } },
    );
  }

  /** Sends `request` as is and throws, naming every broken promise, if the answer breaks one. */
  async probe(
    category: string,
    request: RawRequest,
    options: ProbeOptions = {},
  ): Promise<RawAnswer> {
    this.counts.set(category, (this.counts.get(category) ?? 0) + 1);
    const between = this.writes.take();
    const answer = await sendRaw(this.url, request);
    this.slowest = Math.max(this.slowest, answer.ms);
    const violations =
      request.method === "HEAD"
        ? contractViolations({ ...answer, text: "", json: undefined }, this.slowestAllowed).filter(
            (v) => !v.includes("content-type") && !v.includes("not a JSON object"),
          )
        : contractViolations(answer, this.slowestAllowed);
    if (between.length > 0)
      violations.push(`the table was written between requests: ${between.join("; ")}`);
    const ok = answer.status >= 200 && answer.status < 300;
    if (options.forged === true && ok) violations.push("accepted a forged or unsigned request");
    if (options.expect !== undefined && !options.expect.includes(answer.status))
      violations.push(`answered ${answer.status}, expected one of ${options.expect.join(", ")}`);

    const guard =
      options.signedBy === undefined
        ? undefined
        : replayGuardKey(options.signedBy.iss, options.signedBy.jti);
    const written = this.writes.take();
    // A request whose signature verified takes from its organisation's bucket (DESIGN §15).
    const bucketOwner = options.signedBy?.iss ?? options.movesBucketOf;
    const bucket = bucketOwner === undefined ? undefined : `RL#org#${bucketOwner}#`;
    const isOwnBucket = (entry: string) =>
      bucket !== undefined && entry.startsWith(`UpdateItem ${bucket}`);
    if (!ok || options.readOnly === true) {
      // What this request wrote, by its own log: at most its replay guard and its bucket.
      const stray = written.filter((entry) => entry !== `PutItem ${guard}` && !isOwnBucket(entry));
      if (stray.length > 0)
        violations.push(`a ${answer.status} wrote ${stray.join("; ").replaceAll("\u0000", " ")}`);
      const problemType = String((answer.json as { type?: unknown } | undefined)?.type ?? "");
      const beforeToken =
        isGatewayAnswer(answer) ||
        BEFORE_TOKEN.has(problemType.slice(problemType.lastIndexOf("/") + 1));
      const spent = written.includes(`PutItem ${guard}`);
      // A token that passed every token check is spent, whatever the outcome (DESIGN §9).
      if (guard !== undefined && answer.status !== 401 && !beforeToken && !spent)
        violations.push(`a ${answer.status} did not spend the token's jti`);
      if (guard !== undefined && answer.status === 401 && spent)
        violations.push("a refused token was spent");
      if (guard !== undefined) this.allowedSinceScan.add(guard);
      this.sinceScan += 1;
      if (this.sinceScan >= SCAN_EVERY)
        violations.push(...(await this.scanAndCompare(answer.status)));
    } else {
      await this.settle();
    }
    if (violations.length > 0) {
      throw new Error(
        `${category}: ${request.method} ${request.path.slice(0, 200)}\n` +
          `  answered ${answer.status} in ${Math.round(answer.ms)} ms: ${answer.text.slice(0, 300)}\n  ` +
          violations.join("\n  "),
      );
    }
    return answer;
  }

  /** Reads the whole table and compares it with the last read: only allowed replay guards may differ. */
  private async scanAndCompare(status: number): Promise<string[]> {
    const after = await snapshotTable(this.t.hub);
    this.scans += 1;
    const diff = diffSnapshots(this.baseline, after);
    // Rate-limit buckets move with every request a real signature admitted; which bucket
    // a request moved is checked on its own write log (probe).
    const bookkeeping = (key: string) => key.startsWith("RL#org#");
    diff.added = diff.added.filter((key) => !bookkeeping(key));
    diff.changed = diff.changed.filter((key) => !bookkeeping(key));
    const changes = [
      ...diff.added.filter((key) => !this.allowedSinceScan.has(key)).map((key) => `added ${key}`),
      ...diff.removed.map((key) => `removed ${key}`),
      ...diff.changed.map((key) => `changed ${key}`),
    ];
    this.baseline = after;
    this.allowedSinceScan = new Set();
    this.sinceScan = 0;
    return changes.length === 0
      ? []
      : [`the table changed under a ${status}: ${changes.join("; ").replaceAll("\u0000", " ")}`];
  }

  /** Compares the table now with the last read, whatever SCAN_EVERY skipped. */
  async finalCheck(): Promise<void> {
    const changes = await this.scanAndCompare(0);
    if (changes.length > 0) throw new Error(changes.join("\n"));
  }

  /**
   * Waits until the work behind accepted requests is done — nothing left on the outbox:
   * every change logged, indexed and fanned out, every delivery settled — then takes
   * the table as the baseline. A condition, not a quiet spell: a slow machine only
   * waits longer.
   */
  async settle(): Promise<void> {
    const deadline = Date.now() + 30_000;
    const outboxEmpty = async () => {
      // The outbox is an index: behind the lagging-index double, wait until it caught up.
      await this.t.hub.indexesCaughtUp();
      return (
        (await this.t.hub.deps.store.work.listDueWork("9999-12-31T00:00:00.000Z", 1)).length === 0
      );
    };
    while (!(await outboxEmpty())) {
      if (Date.now() > deadline) throw new Error("the outbox did not empty within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // …and the transparency log has signed every change (its writer writes a second later).
    while (!(await this.logIsCurrent())) {
      if (Date.now() > deadline) throw new Error("the log was not signed within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.baseline = await snapshotTable(this.t.hub);
    this.allowedSinceScan = new Set();
    this.sinceScan = 0;
    this.writes.take();
  }

  private async logIsCurrent(): Promise<boolean> {
    const { store } = this.t.hub.deps;
    const [head, last] = await Promise.all([store.log.readHead(), store.changes.lastChange()]);
    return last === undefined || (head?.size ?? 0) > last.seq;
  }

  total(): number {
    return [...this.counts.values()].reduce((sum, n) => sum + n, 0);
  }

  /** One line per category: how many hostile requests were tried. */
  summary(suite: string): string {
    const lines = [...this.counts.entries()].map(([category, n]) => `${category}: ${n}`);
    return `[hostile ${suite}] ${this.total()} requests (${lines.join(", ")}); slowest answer ${Math.round(this.slowest)} ms (allowed ${Math.round(this.slowestAllowed)} ms); ${this.scans} whole-table Scans`;
  }

  stop(): Promise<void> {
    return this.t.stop();
  }
}
