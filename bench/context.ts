/** What every stage against the hub process is handed. */
import type { BenchConfig } from "./config.js";
import type { FloorTable } from "./floors.js";
import type { HubProcess } from "./hub-process.js";
import type { ReceiverProcess } from "./receiver.js";

export interface StageContext {
  config: BenchConfig;
  hub: HubProcess;
  receiver: ReceiverProcess;
  /** The floors' own on-disk dynalite, in this process. */
  floor: FloorTable;
  progress(line: string): void;
}
