/** The innermost handler: hands the checked request to its route and shapes the answer. */
import type { HttpEvent, HttpResult } from "./event.js";
import type { ApiContext } from "./middleware.js";
import { matchOf, stateOf } from "./middleware.js";
import { toHttpResult } from "./responses.js";

export async function dispatch(event: HttpEvent, context: ApiContext): Promise<HttpResult> {
  const state = stateOf({ context });
  const { route, params } = matchOf({ context });
  const query = new URLSearchParams(event.rawQueryString);
  const param = (name: string): string => {
    const value = params[name];
    if (value === undefined) throw new Error(`route ${route.path} has no parameter ${name}`);
    return value;
  };
  const header = (name: string): string | undefined => event.headers[name.toLowerCase()];
  if (route.auth === "public") return toHttpResult(await route.handle({ param, query, header }));
  const caller = state.caller;
  if (caller === undefined) throw new Error("a caller route ran without a caller");
  const credential = state.credential ?? { kind: "request-token" };
  return toHttpResult(
    await route.handle({ param, query, header, caller, body: state.body, credential }),
  );
}
