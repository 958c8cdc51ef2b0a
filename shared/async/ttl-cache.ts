/**
 * Remembers what an asynchronous load answered, per key, for a while: asks while a
 * load is in flight share it, and a failed load is forgotten so the next ask tries
 * again. Bounded: past `maxEntries` it starts afresh.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached !== undefined && cached.until > Date.now()) return cached.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const entry = { value: load(), until: Date.now() + this.ttlMs };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }
}
