// Test support: the command blocks of the repository's READMEs, as a user copies them.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface ReadmeBlock {
  /** README path relative to the repository root. */
  file: string;
  lang: string;
  /** The block's text, as written. */
  text: string;
}

/** Every fenced block of the root README and each package README whose language is a shell, JSON or none. */
export function commandBlocks(root: string): ReadmeBlock[] {
  const files = [
    "README.md",
    ...readdirSync(join(root, "packages"))
      .map((dir) => `packages/${dir}/README.md`)
      .filter((file) => {
        try {
          return readFileSync(join(root, file)).length > 0;
        } catch {
          return false;
        }
      }),
  ];
  return files.flatMap((file) =>
    [...readFileSync(join(root, file), "utf8").matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)]
      .map((m) => ({ file, lang: m[1] ?? "", text: m[2] ?? "" }))
      .filter((block) => ["bash", "sh", "json", ""].includes(block.lang)),
  );
}

/** A shell block's commands: one per line, backslash continuations joined, comments and blanks dropped. */
export function commandsOf(block: ReadmeBlock): string[] {
  return block.text
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((line) =>
      line
        .replace(/\s+#.*$/, "")
        .replace(/^#.*$/, "")
        .trim(),
    )
    .filter(Boolean);
}
