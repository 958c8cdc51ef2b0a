/** Option parsers the commands share: comma-separated lists, lists of known values, integers. */
import { InvalidArgumentError } from "commander";

/** A repeatable option, each value kept whole: `--secret a --secret b` → ["a", "b"]. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--issuer trm,chainalysis --issuer elliptic` → ["trm", "chainalysis", "elliptic"]. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return [...(previous ?? []), ...items];
}

/** Like {@link collectList}, refusing any value outside `allowed` (a usage error). */
export function choiceList<T extends string>(
  allowed: readonly T[],
): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => {
    const items = collectList(value, undefined);
    const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
    if (unknown.length > 0) {
      throw new InvalidArgumentError(
        `${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not one of ${allowed.join(", ")}.`,
      );
    }
    return [...(previous ?? []), ...(items as T[])];
  };
}

export function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || number < min || number > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}
