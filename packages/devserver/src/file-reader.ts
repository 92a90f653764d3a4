// Test-only: the FileReader the SDK upload path needs, which Node lacks.

/**
 * Node has Blob and File but no FileReader, which the SDK's upload uses (readAsArrayBuffer + onload). This is the
 * smallest stand-in that serves it; a client that uploads local files from Node needs one too.
 */
export function installFileReader(): void {
  if ("FileReader" in globalThis) return;
  class NodeFileReader {
    result: ArrayBuffer | null = null;
    onload: ((event: { target: NodeFileReader }) => void) | null = null;
    onerror: ((error: unknown) => void) | null = null;
    readAsArrayBuffer(blob: Blob): void {
      blob.arrayBuffer().then(
        (buffer) => {
          this.result = buffer;
          this.onload?.({ target: this });
        },
        (error) => this.onerror?.(error),
      );
    }
  }
  (globalThis as { FileReader?: unknown }).FileReader = NodeFileReader;
}
