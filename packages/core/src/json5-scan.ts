/**
 * A small JSON5 scanner that finds where values sit in the text, so one value can be replaced
 * (or one key inserted) while comments, order and formatting elsewhere stay exactly as written.
 */
export interface ObjectSpan {
  /** Index of "{". */
  start: number;
  /** Index just past "}". */
  end: number;
  /** keyStart: index of the key's first character; valueEnd: just past the value. */
  members: Map<string, { keyStart: number; valueStart: number; valueEnd: number; value: Node }>;
}
export type Node = { kind: "object"; span: ObjectSpan } | { kind: "other"; start: number; end: number };

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new Error(`${what} at offset ${this.pos}`);
  }

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (/\s/.test(c) || c === "\uFEFF") this.pos++;
      else if (t.startsWith("//", this.pos)) {
        const nl = t.indexOf("\n", this.pos);
        this.pos = nl === -1 ? t.length : nl + 1;
      } else if (t.startsWith("/*", this.pos)) {
        const close = t.indexOf("*/", this.pos + 2);
        if (close === -1) this.fail("unclosed comment");
        this.pos = close + 2;
      } else break;
    }
  }

  string(): string {
    const quote = this.text[this.pos]!;
    let out = "";
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++]!;
      if (c === quote) return out;
      if (c === "\\") out += this.text[this.pos++] ?? "";
      else out += c;
    }
    return this.fail("unclosed string");
  }

  key(): string {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return this.string();
    const match = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!match) this.fail("expected a key");
    this.pos += match[0].length;
    return match[0];
  }

  value(): Node {
    this.skipSpace();
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === "{") return { kind: "object", span: this.object() };
    if (c === "[") {
      this.pos++;
      this.skipSpace();
      while (this.text[this.pos] !== "]") {
        this.value();
        this.skipSpace();
        if (this.text[this.pos] === ",") this.pos++;
        else if (this.text[this.pos] !== "]") this.fail("expected , or ]");
        this.skipSpace();
      }
      this.pos++;
    } else if (c === '"' || c === "'") this.string();
    else {
      const match = /^[\w$+\-.]+/.exec(this.text.slice(this.pos, this.pos + 64));
      if (!match) this.fail("expected a value");
      this.pos += match[0].length;
    }
    return { kind: "other", start, end: this.pos };
  }

  object(): ObjectSpan {
    const span: ObjectSpan = { start: this.pos, end: -1, members: new Map() };
    this.pos++;
    this.skipSpace();
    while (this.text[this.pos] !== "}") {
      const keyStart = this.pos;
      const key = this.key();
      this.skipSpace();
      if (this.text[this.pos] !== ":") this.fail("expected :");
      this.pos++;
      this.skipSpace();
      const valueStart = this.pos;
      const value = this.value();
      span.members.set(key, { keyStart, valueStart, valueEnd: this.pos, value });
      this.skipSpace();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "}") this.fail("expected , or }");
      this.skipSpace();
    }
    this.pos++;
    span.end = this.pos;
    return span;
  }
}

/** Scans a JSON5 document whose root is an object; throws on anything it cannot follow. */
export function scanJson5Object(text: string): ObjectSpan {
  const scanner = new Scanner(text);
  scanner.skipSpace();
  if (text[scanner.pos] !== "{") scanner.fail("expected the document to be an object");
  const root = scanner.object();
  scanner.skipSpace();
  if (scanner.pos !== text.length) scanner.fail("unexpected text after the root object");
  return root;
}
