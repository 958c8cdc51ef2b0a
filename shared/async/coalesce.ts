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

/**
 * Coalesced keyed reads: one `read` over every key asked for in a turn, and each
 * caller answered with the values of its own keys only, in the order it asked
 * (missing ones left out). `idOf` names a key, and `idOfValue` the key a value is for.
 */
export function coalesceReads<K, V>(
  read: (keys: K[]) => Promise<V[]>,
  idOf: (key: K) => string,
  idOfValue: (value: V) => string,
): (keys: readonly K[]) => Promise<V[]> {
  const together = coalesce(async (keys: K[]) => {
    const values = await read(keys);
    return new Map(values.map((value) => [idOfValue(value), value]));
  });
  return async (keys) => {
    const found = await together(keys);
    return keys.flatMap((k) => {
      const value = found.get(idOf(k));
      return value === undefined ? [] : [value];
    });
  };
}
