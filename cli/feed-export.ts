/**
 * The writers behind `cordon export`: the feed (or one bulletin) as one STIX bundle
 * written as it is read, as a MISP feed folder or one MISP JSON document, or as CSV
 * rows written as they are read. Each takes tracked changes and a sink; the
 * mappings themselves are the shared interop modules, the same the hub serves.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { v4 as uuidv4 } from "uuid";
import { CSV_COLUMNS, csvLine, csvRows } from "../shared/interop/csv/rows.js";
import type { BulletinHistory } from "../shared/interop/history.js";
import { hashLines, manifestEntry, mispEvent } from "../shared/interop/misp/index.js";
import type { MispEvent, MispManifestEntry } from "../shared/interop/misp/types.js";
import { type StixObject, stixVersion, stixVersionCount } from "../shared/interop/stix/index.js";
import type { TrackedChange } from "./feed-history.js";

/** Where text goes: a file or standard output. */
export interface Sink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

export interface ExportWriter {
  add(change: TrackedChange): Promise<void>;
  /** Writes what only the end can tell; answers how many bulletins were written. */
  finish(): Promise<number>;
}

/**
 * One bundle, written object by object: each change adds the versions it makes, and
 * the shared objects (identities, markings, extension definitions, SCOs) the first
 * time they are needed, so a reader of the file meets every reference's target
 * before or beside it.
 */
export class StixBundleWriter implements ExportWriter {
  private readonly written = new Set<string>();
  private readonly predecessors = new Map<string, BulletinHistory>();
  private readonly bulletins = new Set<string>();
  private count = 0;

  constructor(
    private readonly sink: Sink,
    private readonly hubName: string,
  ) {}

  private async emit(object: StixObject): Promise<void> {
    const key = `${object.id}|${typeof object.modified === "string" ? object.modified : ""}`;
    if (this.written.has(key)) return;
    this.written.add(key);
    if (this.count === 0) {
      await this.sink.write(`{"type":"bundle","id":"bundle--${uuidv4()}","objects":[\n`);
    } else {
      await this.sink.write(",\n");
    }
    this.count += 1;
    await this.sink.write(JSON.stringify(object));
  }

  async add({ history, step }: TrackedChange): Promise<void> {
    const count = stixVersionCount(history);
    const steps = step === "all" ? [...Array(count).keys()] : step < count ? [step] : [];
    const supersedes = history.view.bulletin.supersedes;
    const predecessor = supersedes ? this.predecessors.get(supersedes) : undefined;
    for (const index of steps) {
      const version = stixVersion(history, index, {
        hubName: this.hubName,
        ...(predecessor === undefined ? {} : { predecessor }),
      });
      for (const object of [...version.shared, ...version.own, ...version.derived])
        await this.emit(object);
    }
    this.predecessors.set(history.view.id, history);
    this.bulletins.add(history.view.id);
  }

  async finish(): Promise<number> {
    if (this.count === 0)
      await this.sink.write(`{"type":"bundle","id":"bundle--${uuidv4()}","objects":[`);
    await this.sink.write("\n]}\n");
    return this.bulletins.size;
  }
}

/** CSV rows, each bulletin once, at the state the feed shows when it is first met. */
export class CsvWriter implements ExportWriter {
  private started = false;
  private bulletins = 0;

  constructor(private readonly sink: Sink) {}

  async add({ history, first }: TrackedChange): Promise<void> {
    if (!this.started) {
      this.started = true;
      await this.sink.write(csvLine(CSV_COLUMNS));
    }
    // Feed items show the bulletin's current state: its first item already has it.
    if (!first) return;
    this.bulletins += 1;
    for (const row of csvRows(history.view, history.issuer_name))
      await this.sink.write(csvLine(row));
  }

  async finish(): Promise<number> {
    if (!this.started) await this.sink.write(csvLine(CSV_COLUMNS));
    return this.bulletins;
  }
}

/**
 * A MISP feed folder: `<event uuid>.json` rewritten at each change of its bulletin
 * (the last write holds the last change), then `manifest.json` and `hashes.csv`.
 */
export class MispFolderWriter implements ExportWriter {
  private readonly entries = new Map<string, { entry: MispManifestEntry; hashes: string[] }>();

  constructor(private readonly folder: string) {}

  async add({ history }: TrackedChange): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const event = mispEvent(history);
    await writeFile(join(this.folder, `${event.Event.uuid}.json`), `${JSON.stringify(event)}\n`);
    this.entries.set(event.Event.uuid, { entry: manifestEntry(event), hashes: hashLines(event) });
  }

  async finish(): Promise<number> {
    await mkdir(this.folder, { recursive: true });
    const manifest = Object.fromEntries(
      [...this.entries].map(([uuid, { entry }]) => [uuid, entry]),
    );
    await writeFile(join(this.folder, "manifest.json"), `${JSON.stringify(manifest)}\n`);
    const lines = [...this.entries.values()].flatMap(({ hashes }) => hashes);
    await writeFile(join(this.folder, "hashes.csv"), lines.map((line) => `${line}\n`).join(""));
    return this.entries.size;
  }
}

/**
 * One MISP JSON document: `{"Event": …}` for one bulletin, `{"response": [...]}` (the
 * shape of MISP's own search answers) for several. Events are written at the end, at
 * their last change.
 */
export class MispJsonWriter implements ExportWriter {
  private readonly latest = new Map<string, BulletinHistory>();

  constructor(
    private readonly sink: Sink,
    private readonly single: boolean,
  ) {}

  async add({ history }: TrackedChange): Promise<void> {
    this.latest.set(history.view.id, history);
  }

  async finish(): Promise<number> {
    const events: MispEvent[] = [...this.latest.values()].map((history) => mispEvent(history));
    if (this.single && events.length === 1) {
      await this.sink.write(`${JSON.stringify(events[0], null, 2)}\n`);
    } else {
      await this.sink.write('{"response":[\n');
      for (const [index, event] of events.entries()) {
        await this.sink.write(`${index === 0 ? "" : ",\n"}${JSON.stringify(event)}`);
      }
      await this.sink.write("\n]}\n");
    }
    return events.length;
  }
}
