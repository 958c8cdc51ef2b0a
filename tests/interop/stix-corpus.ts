/**
 * Writes a corpus of STIX output for the OASIS tools to check (stix2, the STIX
 * validator, the JSON schemas): for generated bulletins of every chain, indicator
 * type, exportable TLP and fate (active, revoked, superseded, superseded then
 * revoked, superseding a visible predecessor), one bundle at the latest version and
 * one bundle holding every version the TAXII collection would serve.
 *
 *   npx tsx tests/interop/stix-corpus.ts OUT_DIR [COUNT=300] [SEED=1]
 *
 * It prints what the corpus covers. The OASIS tools are not part of the project:
 * see docs/interop.md for how they are run against this folder.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { checkIndicator } from "../../shared/indicators/indicator.js";
import type { BulletinHistory } from "../../shared/interop/history.js";
import { stixBundle, stixRecords } from "../../shared/interop/stix/index.js";
import { historyArbitrary } from "./arbitraries.js";

/** A predecessor and the bulletin superseding it, sharing some indicators. */
function supersession(
  old: BulletinHistory,
  next: BulletinHistory,
): { predecessor: BulletinHistory; successor: BulletinHistory } {
  const published = old.changes[0];
  const nextPublished = next.changes[0];
  if (published === undefined || nextPublished === undefined) throw new Error("empty history");
  // The successor is accepted a minute after the predecessor; the supersession follows.
  const shift = Date.parse(published.at) + 60_000 - Date.parse(nextPublished.at);
  const changes = next.changes.map((change) => ({ ...change, at: shifted(change.at, shift) }));
  const accepted = changes[0] as BulletinHistory["changes"][number];
  const { revocation: _dropped, ...oldView } = old.view;
  const predecessor: BulletinHistory = {
    view: { ...oldView, status: "superseded" },
    issuer_name: old.issuer_name,
    superseded_by: next.view.id,
    changes: [
      published,
      {
        seq: accepted.seq + 1,
        kind: "superseded",
        at: shifted(accepted.at, 1),
        receipt: published.receipt,
      },
    ],
  };
  const successor: BulletinHistory = {
    ...next,
    view: {
      ...next.view,
      received_at: accepted.at,
      issuer: old.view.issuer,
      bulletin: {
        ...next.view.bulletin,
        issuer: old.view.issuer,
        supersedes: old.view.id,
        indicators: [...old.view.bulletin.indicators.slice(0, 2), ...next.view.bulletin.indicators],
      },
    },
    issuer_name: old.issuer_name,
    changes,
  };
  return { predecessor, successor };
}

/** `at` moved by `millis`, its microsecond digits kept. */
function shifted(at: string, millis: number): string {
  const micros = at.slice(20, 26);
  const moved = new Date(Date.parse(at) + millis).toISOString();
  return `${moved.slice(0, 23)}${micros.slice(3)}Z`;
}

async function main(): Promise<void> {
  const [out = "", countText = "300", seedText = "1"] = process.argv.slice(2);
  if (out === "") {
    process.stderr.write("usage: stix-corpus.ts OUT_DIR [COUNT] [SEED]\n");
    process.exit(2);
  }
  const count = Number(countText);
  const seed = Number(seedText);
  await mkdir(join(out, "bundles"), { recursive: true });
  await mkdir(join(out, "versions"), { recursive: true });
  const histories = fc.sample(historyArbitrary(), { numRuns: count, seed });
  const coverage = new Map<string, number>();
  const note = (key: string) => coverage.set(key, (coverage.get(key) ?? 0) + 1);
  let objects = 0;
  let versions = 0;

  const emit = async (history: BulletinHistory, predecessor?: BulletinHistory) => {
    const options = predecessor === undefined ? {} : { predecessor };
    const bundle = stixBundle(history, options);
    const records = stixRecords(history, options);
    objects += bundle.objects.length;
    versions += records.length;
    await writeFile(
      join(out, "bundles", `${history.view.id}.json`),
      JSON.stringify(bundle, null, 1),
    );
    await writeFile(
      join(out, "versions", `${history.view.id}.json`),
      JSON.stringify(
        { type: "bundle", id: bundle.id, objects: records.map((r) => r.object) },
        null,
        1,
      ),
    );
    const payload = history.view.bulletin;
    note(`tlp:${payload.tlp}`);
    note(`fate:${history.changes.map((c) => c.kind).join("+")}`);
    if (predecessor !== undefined) note("fate:supersedes-visible-predecessor");
    for (const indicator of payload.indicators) {
      const check = checkIndicator(indicator);
      const kind =
        indicator.type === "crypto_address" || indicator.type === "tx_hash"
          ? `${indicator.type}:${indicator.chain}`
          : indicator.type === "channel"
            ? `channel:${check.ok ? check.normalised.split(":")[0] : "?"}`
            : indicator.type;
      note(kind);
    }
  };

  for (let index = 0; index < histories.length; index++) {
    const history = histories[index] as BulletinHistory;
    if (index % 10 === 9) {
      const previous = histories[index - 1] as BulletinHistory;
      const { predecessor, successor } = supersession(previous, history);
      await emit(predecessor);
      await emit(successor, predecessor);
    } else {
      await emit(history);
    }
  }
  const summary = {
    bulletins: histories.length + Math.floor(histories.length / 10),
    bundle_objects: objects,
    version_records: versions,
    coverage: Object.fromEntries([...coverage.entries()].sort()),
  };
  await writeFile(join(out, "summary.json"), JSON.stringify(summary, null, 2));
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

await main();
