/**
 * Screening any number of inputs in requests of at most 1,000 — through the hub
 * (`CordonClient.screen`) or a local mirror (`Mirror.screenAll`) alike: one result per
 * input, in input order, and inputs that fail the hub's own indicator checks answered
 * on the spot with the very result the hub would give.
 */
import { chunk } from "../../shared/async/concurrency.js";
import { MAX_SCREEN_INPUTS } from "../../shared/bulletins/screening.js";
import { invalidScreenResult } from "../../shared/bulletins/wire.js";
import { checkIndicator } from "../../shared/indicators/indicator.js";
import type { ScreenInput, ScreenResult } from "./types.js";

export interface ScreenOptions {
  /**
   * Check each input with the hub's own rules first and send only the valid ones;
   * invalid ones get the same `{normalised: null, error}` result the hub would give
   * (default true).
   */
  validateLocally?: boolean;
  /** Inputs per request, at most 1,000. */
  batchSize?: number;
  /** Called after each request with how many inputs are answered so far. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Answers one request's worth of inputs (at most 1,000), one result per input. */
export type ScreenBatch = (
  inputs: readonly ScreenInput[],
  signal: AbortSignal | undefined,
) => Promise<readonly ScreenResult[]>;

export async function screenInBatches(
  inputs: readonly ScreenInput[],
  options: ScreenOptions,
  screenBatch: ScreenBatch,
): Promise<ScreenResult[]> {
  const batchSize = Math.min(options.batchSize ?? MAX_SCREEN_INPUTS, MAX_SCREEN_INPUTS);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError("batchSize must be an integer from 1 to 1,000.");
  }
  const results = new Array<ScreenResult>(inputs.length);
  const toSend: number[] = [];
  inputs.forEach((input, index) => {
    const local = options.validateLocally === false ? undefined : localScreenError(input);
    if (local === undefined) toSend.push(index);
    else results[index] = local;
  });
  let done = inputs.length - toSend.length;
  for (const indexes of chunk(toSend, batchSize)) {
    const answer = await screenBatch(
      indexes.map((index) => inputs[index] as ScreenInput),
      options.signal,
    );
    if (answer.length !== indexes.length) {
      throw new Error(
        `The screening answered ${answer.length} results for ${indexes.length} inputs.`,
      );
    }
    indexes.forEach((inputIndex, position) => {
      results[inputIndex] = answer[position] as ScreenResult;
    });
    done += indexes.length;
    options.onProgress?.(done, inputs.length);
  }
  if (toSend.length === 0) options.onProgress?.(done, inputs.length);
  return results;
}

/** The same answer the hub gives an invalid input, or undefined when it is valid. */
function localScreenError(input: ScreenInput): ScreenResult | undefined {
  const check = checkIndicator(input);
  return check.ok ? undefined : invalidScreenResult(input, check.error);
}
