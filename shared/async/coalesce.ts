/**
 * Coalescing: the calls made in one turn of the event loop run as one call over all
 * their inputs. A fan-out's delivery attempts run side by side, each reading and
 * writing its own delivery; coalesced, they cost one batched request instead of one
 * request each. Every caller gets the combined call's outcome, failure included.
 */
export function coalesce<T, R>(
  run: (inputs: T[]) => Promise<R>,
): (inputs: readonly T[]) => Promise<R> {
  let pending: { inputs: T[]; outcome: Promise<R> } | undefined;
  return (inputs) => {
    if (pending === undefined) {
      const batch: T[] = [];
      const outcome = new Promise<R>((resolve, reject) => {
        setImmediate(() => {
          pending = undefined;
          run(batch).then(resolve, reject);
        });
      });
      pending = { inputs: batch, outcome };
    }
    pending.inputs.push(...inputs);
    return pending.outcome;
  };
}
