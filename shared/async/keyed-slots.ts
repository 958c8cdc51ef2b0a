/**
 * At most `cap` holders per key at once, in one process: the deliverer's in-flight cap
 * per subscription. A taker waits for a slot up to a deadline and is then told no, so
 * that it can put its work back rather than hold a worker for as long as a slow holder.
 */
export type Release = () => void;

interface Waiter {
  cap: number;
  grant: (release: Release | undefined) => void;
}

interface Slots {
  held: number;
  waiters: Waiter[];
}

export class KeyedSlots {
  private readonly slots = new Map<string, Slots>();

  /** How many slots of `key` are held now. */
  held(key: string): number {
    return this.slots.get(key)?.held ?? 0;
  }

  /** A slot of `key` when fewer than `cap` are held, waiting up to `waitMs`; undefined when none came. */
  take(key: string, cap: number, waitMs: number): Promise<Release | undefined> {
    const slots = this.slots.get(key) ?? { held: 0, waiters: [] };
    this.slots.set(key, slots);
    if (slots.held < cap && slots.waiters.length === 0)
      return Promise.resolve(this.hold(key, slots));
    if (waitMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        cap,
        grant: (release) => {
          clearTimeout(timer);
          resolve(release);
        },
      };
      const timer = setTimeout(() => {
        slots.waiters.splice(slots.waiters.indexOf(waiter), 1);
        this.forgetIfIdle(key, slots);
        resolve(undefined);
      }, waitMs);
      slots.waiters.push(waiter);
    });
  }

  private hold(key: string, slots: Slots): Release {
    slots.held += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      slots.held -= 1;
      const next = slots.waiters[0];
      if (next !== undefined && slots.held < next.cap) {
        slots.waiters.shift();
        next.grant(this.hold(key, slots));
      } else {
        this.forgetIfIdle(key, slots);
      }
    };
  }

  private forgetIfIdle(key: string, slots: Slots): void {
    if (slots.held === 0 && slots.waiters.length === 0) this.slots.delete(key);
  }
}
