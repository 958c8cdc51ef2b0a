/**
 * The STIX patterning language (STIX 2.1 §9), as far as Cordon writes and reads it:
 * equality comparisons on one object type (`[url:value = '…']`), several joined by
 * AND inside one observation, and observations joined by OR (with parentheses).
 * Anything else — other operators, qualifiers, AND between observations, non-string
 * constants — is refused with a `PatternError` saying what was met, so an importer
 * can list it as not mapped instead of guessing.
 */
import { PatternError } from "../errors.js";

/** `[type:property = 'value' AND …]` with every member on one object type. */
export interface PatternObservation {
  objectType: string;
  /** Property path (`value`, `account_login`) to the compared string. */
  properties: Record<string, string>;
}

/** A string literal of the patterning language: `'` and `\` escaped with `\`. */
export function stringLiteral(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** One observation of equality comparisons, AND-joined, in the order given. */
export function observationPattern(
  objectType: string,
  properties: readonly (readonly [string, string])[],
): string {
  const comparisons = properties.map(
    ([property, value]) => `${objectType}:${property} = ${stringLiteral(value)}`,
  );
  return `[${comparisons.join(" AND ")}]`;
}

type Token =
  | { kind: "punct"; text: "[" | "]" | "(" | ")" | "="; at: number }
  | { kind: "string"; text: string; at: number }
  | { kind: "path"; objectType: string; property: string; at: number }
  | { kind: "keyword"; text: "AND" | "OR"; at: number }
  | { kind: "end"; at: number };

const TYPE_NAME = "[a-z][a-z0-9-]*[a-z0-9]";
const PROPERTY = "[a-z_][a-z0-9_]*(?:\\.[a-z_][a-z0-9_]*)*";
const OBJECT_PATH = new RegExp(`^(${TYPE_NAME}):(${PROPERTY})`);
const WORD = /^[A-Za-z0-9_.:*\-[\]]+/;
/** Patterns longer than this are refused before any parsing (hostile input). */
export const MAX_PATTERN_LENGTH = 20_000;

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < pattern.length) {
    const char = pattern.charAt(at);
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === "[" || char === "]" || char === "(" || char === ")" || char === "=") {
      tokens.push({ kind: "punct", text: char, at });
      at += 1;
    } else if (char === "!" || char === "<" || char === ">") {
      throw new PatternError("Only equality (=) comparisons are read.", at);
    } else if (char === "'") {
      let text = "";
      let end = at + 1;
      for (;;) {
        if (end >= pattern.length) throw new PatternError("A string is not closed.", at);
        const next = pattern.charAt(end);
        if (next === "'") break;
        if (next === "\\") {
          const escaped = pattern.charAt(end + 1);
          if (escaped !== "'" && escaped !== "\\") {
            throw new PatternError("Only \\' and \\\\ may be escaped in a string.", end);
          }
          text += escaped;
          end += 2;
        } else {
          text += next;
          end += 1;
        }
      }
      tokens.push({ kind: "string", text, at });
      at = end + 1;
    } else {
      const rest = pattern.slice(at);
      const path = OBJECT_PATH.exec(rest);
      if (path !== null && !/^[A-Za-z0-9_.[\]*-]/.test(rest.slice(path[0].length))) {
        tokens.push({
          kind: "path",
          objectType: path[1] ?? "",
          property: path[2] ?? "",
          at,
        });
        at += path[0].length;
        continue;
      }
      const word = WORD.exec(rest)?.[0] ?? char;
      if (word === "AND" || word === "OR") {
        tokens.push({ kind: "keyword", text: word, at });
        at += word.length;
        continue;
      }
      throw new PatternError(unsupportedWord(word), at);
    }
  }
  tokens.push({ kind: "end", at });
  return tokens;
}

function unsupportedWord(word: string): string {
  if (/^(NOT|LIKE|MATCHES|IN|ISSUBSET|ISSUPERSET|EXISTS)$/.test(word)) {
    return `The ${word} operator is not supported: only equality (=) is read.`;
  }
  if (/^(WITHIN|REPEATS|START|STOP|FOLLOWEDBY|TIMES|SECONDS)$/.test(word)) {
    return `${word} is not supported: qualifiers and FOLLOWEDBY are not read.`;
  }
  if (/^[tbh]'/.test(word) || /^[0-9-]/.test(word) || word === "true" || word === "false") {
    return "Only string constants are read.";
  }
  return `Unexpected "${word}".`;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private take(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.index += 1;
    return token;
  }

  private expect(text: "[" | "]" | "(" | ")" | "=", what: string): void {
    const token = this.take();
    if (token.kind !== "punct" || token.text !== text) {
      throw new PatternError(`Expected ${what}.`, token.at);
    }
  }

  /** pattern := observation (OR observation)* ; AND between observations is refused. */
  pattern(): PatternObservation[] {
    const observations = this.observation();
    for (;;) {
      const token = this.peek();
      if (token.kind === "keyword" && token.text === "OR") {
        this.take();
        observations.push(...this.observation());
      } else if (token.kind === "keyword" && token.text === "AND") {
        throw new PatternError(
          "AND between observations (all must be seen) is not supported; only OR is read.",
          token.at,
        );
      } else {
        return observations;
      }
    }
  }

  private observation(): PatternObservation[] {
    const token = this.peek();
    if (token.kind === "punct" && token.text === "(") {
      this.take();
      const inner = this.pattern();
      this.expect(")", '")"');
      return inner;
    }
    this.expect("[", '"[" to open an observation');
    const alternatives = this.comparisonOr();
    this.expect("]", '"]" to close the observation');
    return alternatives;
  }

  /** Inside brackets: conjunctions joined by OR. */
  private comparisonOr(): PatternObservation[] {
    const alternatives = [this.comparisonAnd()];
    for (;;) {
      const token = this.peek();
      if (token.kind !== "keyword" || token.text !== "OR") return alternatives;
      this.take();
      alternatives.push(this.comparisonAnd());
    }
  }

  private comparisonAnd(): PatternObservation {
    const first = this.comparison();
    const observation: PatternObservation = {
      objectType: first.objectType,
      properties: { [first.property]: first.value },
    };
    for (;;) {
      const token = this.peek();
      if (token.kind !== "keyword" || token.text !== "AND") return observation;
      this.take();
      const next = this.comparison();
      if (next.objectType !== observation.objectType) {
        throw new PatternError(
          "AND across object types in one observation is not supported.",
          next.at,
        );
      }
      if (next.property in observation.properties) {
        throw new PatternError(`${next.property} is compared twice.`, next.at);
      }
      observation.properties[next.property] = next.value;
    }
  }

  private comparison(): { objectType: string; property: string; value: string; at: number } {
    const path = this.take();
    if (path.kind === "punct" && path.text === "(") {
      throw new PatternError("Parentheses inside an observation are not supported.", path.at);
    }
    if (path.kind !== "path") {
      throw new PatternError("Expected an object path such as url:value.", path.at);
    }
    const operator = this.take();
    if (operator.kind !== "punct" || operator.text !== "=") {
      throw new PatternError("Only equality (=) comparisons are read.", operator.at);
    }
    const value = this.take();
    if (value.kind !== "string") {
      throw new PatternError("Only string constants are read.", value.at);
    }
    return { objectType: path.objectType, property: path.property, value: value.text, at: path.at };
  }

  end(): void {
    const token = this.peek();
    if (token.kind !== "end")
      throw new PatternError("Unexpected text after the pattern.", token.at);
  }
}

/**
 * The observations a pattern is an OR of. Throws a `PatternError` for anything
 * outside the forms this module reads.
 */
export function parsePattern(pattern: string): PatternObservation[] {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new PatternError(`A pattern is at most ${MAX_PATTERN_LENGTH} characters.`, 0);
  }
  const parser = new Parser(tokenize(pattern));
  const observations = parser.pattern();
  parser.end();
  return observations;
}
