/** A dot-path ("tokens.openimToken", "data.items.0.token") or a list of them tried in order. */
export type PathSpec = string | readonly string[];

/** Reads `obj` at a dot-path; array indexes are plain segments ("items.0"). Undefined when any step is missing. */
export function getByPath(obj: unknown, path: string): unknown {
  let current: unknown = obj;
  for (const segment of path.split(".")) {
    if (segment === "") continue;
    if (current === null || typeof current !== "object") return undefined;
    // Own properties only, so a path like "constructor" or "__proto__" never reaches the prototype.
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** True for the values the seed treats as "nothing there": undefined, null and "". */
export function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** Tries each path in order and returns the first non-empty value with the path that produced it. */
export function firstNonEmpty(obj: unknown, spec: PathSpec): { value: unknown; path: string } | undefined {
  const paths = typeof spec === "string" ? [spec] : spec;
  for (const path of paths) {
    const value = getByPath(obj, path);
    if (!isEmptyValue(value)) return { value, path };
  }
  return undefined;
}

/** Renders a PathSpec for messages: `"a.b"` or `"a.b" | "c.d"`. */
export function describePathSpec(spec: PathSpec): string {
  const paths = typeof spec === "string" ? [spec] : spec;
  return paths.map((p) => JSON.stringify(p)).join(" | ");
}
