/**
 * Each organisation's fair share of one process (issue 13): at most a few of one
 * organisation's requests run at once in a process, the rest wait their turn there.
 * On Lambda a container serves one request at a time, so this never holds anything
 * back; in the local runtime, where every request shares one event loop, it keeps one
 * organisation's flood of heavy requests (screening 1,000 addresses, say) from taking
 * the loop from everyone else. Runs once the caller is known and its rate admitted it.
 */
import { KeyedSlots, type Release } from "../../async/keyed-slots.js";
import type { ApiMiddleware, ApiRequest } from "../middleware.js";
import { stateOf } from "../middleware.js";

/** Requests of one organisation in flight at once, in one process. */
export const REQUESTS_PER_CALLER = 2;
/** A request waits this long at most; then it runs anyway (the gateway's own timeout is near). */
const LONGEST_WAIT_MS = 20_000;

export function callerShare(perCaller = Number(process.env.CAP ?? REQUESTS_PER_CALLER)): ApiMiddleware {
  const slots = new KeyedSlots();
  const held = new WeakMap<object, Release>();
  const release = (request: ApiRequest) => {
    const state = request.context.cordon;
    if (state === undefined) return;
    held.get(state)?.();
    held.delete(state);
  };
  return {
    before: async (request) => {
      const state = stateOf(request);
      const caller = state.caller;
      if (caller === undefined) return undefined;
      const slot = await slots.take(caller.id, perCaller, LONGEST_WAIT_MS);
      if (slot !== undefined) held.set(state, slot);
      return undefined;
    },
    after: release,
    onError: release,
  };
}
