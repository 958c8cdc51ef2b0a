/**
 * Pages are addressed by the URL's fragment (`#/bulletins/01J…`), so the hub serves
 * one HTML file for the whole console and no route ever reaches the server.
 */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  /** The path's segments: `#/bulletins/X` → ["bulletins", "X"]. */
  segments: string[];
  query: URLSearchParams;
}

export function currentRoute(hash: string = location.hash): Route {
  const text = hash.replace(/^#\/?/, "");
  const queryAt = text.indexOf("?");
  const path = queryAt === -1 ? text : text.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? "" : text.slice(queryAt + 1));
  const segments = path
    .split("/")
    .filter((part) => part !== "")
    .map(decodeURIComponent);
  return { segments: segments.length === 0 ? ["feed"] : segments, query };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}

export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join("/")}`;
}

export function navigate(...segments: string[]): void {
  location.hash = href(...segments).slice(1);
}
