/** OpenClaw's default text limit; OpenIM itself accepts more, but long replies read better split. */
export const TEXT_CHUNK_LIMIT = 4000;

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** The fence open at `end` (exclusive) in `text`, if any: its marker line (e.g. "```ts"). */
function openFenceAt(text: string, end: number): string | undefined {
  let open: string | undefined;
  let marker = "";
  for (const line of text.slice(0, end).split("\n")) {
    const m = FENCE.exec(line);
    if (!m?.[1]) continue;
    if (!open) {
      open = line.trim();
      marker = m[1];
    } else if (m[1].startsWith(marker[0] as string) && m[1].length >= marker.length && !m[2]?.trim()) {
      open = undefined;
    }
  }
  return open;
}

/** Candidate cut positions in `window`, best first: paragraph, line, then word boundaries. */
function cuts(window: string): number[] {
  const found: number[] = [];
  for (const separator of ["\n\n", "\n", " "]) {
    let at = window.lastIndexOf(separator);
    while (at > 0) {
      found.push(at + separator.length);
      at = window.lastIndexOf(separator, at - 1);
    }
  }
  return found;
}

/**
 * Splits text into pieces of at most `limit` characters without cutting a word or a fenced code block
 * when avoidable: a cut outside any fence in the second half of the window wins; then one earlier
 * outside a fence (before the block starts); only a block longer than the limit is split, at a line
 * end, with the fence closed at the end of one piece and reopened at the start of the next.
 */
export function chunkText(text: string, limit: number = TEXT_CHUNK_LIMIT): string[] {
  if (limit < 1) throw new RangeError("[multi-openim] chunk limit must be at least 1");
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const candidates = cuts(window);
    const floor = Math.floor(limit / 2);
    const outside = candidates.filter((c) => !openFenceAt(rest, c));
    let cut = outside.find((c) => c >= floor) ?? outside.find((c) => c >= Math.floor(limit / 10));
    if (cut === undefined) {
      const fence = openFenceAt(rest, limit);
      if (fence && limit > fence.length + 8) {
        // Room for "\n```" at the end of this piece.
        const room = rest.slice(0, limit - 4);
        const line = room.lastIndexOf("\n");
        cut = line > fence.length ? line + 1 : limit - 4;
        const marker = FENCE.exec(fence)?.[1] ?? "```";
        chunks.push(`${rest.slice(0, cut).trimEnd()}\n${marker}`);
        rest = `${fence}\n${rest.slice(cut)}`;
        continue;
      }
      cut = limit;
    }
    const piece = rest.slice(0, cut).trimEnd();
    if (piece) chunks.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim()) chunks.push(rest);
  return chunks;
}
