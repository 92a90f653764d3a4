/** OpenClaw's default text limit; OpenIM itself accepts more, but long replies read better split. */
export const TEXT_CHUNK_LIMIT = 4000;

/**
 * Splits text into pieces of at most `limit` characters, preferring a paragraph, then a line, then a
 * word boundary in the second half of the window, so a reply is never cut mid-word when avoidable.
 */
export function chunkText(text: string, limit: number = TEXT_CHUNK_LIMIT): string[] {
  if (limit < 1) throw new RangeError("[multi-openim] chunk limit must be at least 1");
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const floor = Math.floor(limit / 2);
    let cut = -1;
    for (const separator of ["\n\n", "\n", " "]) {
      const at = window.lastIndexOf(separator);
      if (at >= floor) {
        cut = at + separator.length;
        break;
      }
    }
    if (cut <= 0) cut = limit;
    const piece = rest.slice(0, cut).trimEnd();
    if (piece) chunks.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim()) chunks.push(rest);
  return chunks;
}
