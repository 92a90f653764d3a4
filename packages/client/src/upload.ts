import { createHash, randomUUID } from "node:crypto";
import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, extname } from "node:path";

export interface UploadParams {
  apiAddr: string;
  token: string;
  userID: string;
  path: string;
  timeoutMs: number;
  /** Refuse files larger than this before anything is read. */
  maxBytes?: number;
}

export interface UploadedFile {
  url: string;
  name: string;
  size: number;
  mimeType: string;
}

const MIME: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  mp3: "audio/mpeg",
  pdf: "application/pdf",
  txt: "text/plain",
  json: "application/json",
  zip: "application/zip",
};

export function mimeTypeOf(name: string): string {
  return MIME[extname(name).slice(1).toLowerCase()] ?? "application/octet-stream";
}

const md5 = (data: Uint8Array | string) => createHash("md5").update(data).digest("hex");

const PARALLEL_PARTS = 4;

async function md5OfBlob(blob: Blob): Promise<string> {
  const hash = createHash("md5");
  const reader = blob.stream().getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) hash.update(read.value);
  return hash.digest("hex");
}

/** A regular file within the size limit, as a lazily read Blob (nothing is loaded until a part is sent). */
async function openFile(path: string, maxBytes: number | undefined): Promise<Blob> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${basename(path)} is not a regular file`);
  if (maxBytes !== undefined && info.size > maxBytes) {
    throw new Error(`${basename(path)} is ${info.size} bytes, over the limit of ${maxBytes} bytes`);
  }
  return openAsBlob(path);
}

interface SignedPart {
  partNumber?: number;
  url?: string;
  query?: { key: string; values: string[] }[];
  header?: { key: string; values: string[] }[];
}

/**
 * Uploads a local file through the server's object routes (the SDK's own upload needs a browser
 * FileReader): part_size → initiate_multipart_upload → signed PUTs → complete_multipart_upload.
 * The file is streamed: hashed part by part, and each PUT body is a slice of a file-backed Blob
 * (`fs.openAsBlob`), so memory stays at a few parts whatever the file's size.
 */
export async function uploadFile(params: UploadParams): Promise<UploadedFile> {
  const signal = AbortSignal.timeout(params.timeoutMs);
  const data = await openFile(params.path, params.maxBytes);
  const name = basename(params.path);
  const mimeType = mimeTypeOf(name);
  const post = async <T>(route: string, body: unknown): Promise<T> => {
    const response = await fetch(`${params.apiAddr}/object/${route}`, {
      method: "POST",
      headers: { token: params.token, operationID: randomUUID(), "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
    if (!response.ok) throw new Error(`/object/${route} answered HTTP ${response.status}`);
    const json = (await response.json()) as { errCode?: number; errMsg?: string; data?: T };
    if (json.errCode)
      throw new Error(`/object/${route} failed: errCode=${json.errCode} ${json.errMsg ?? ""}`);
    return (json.data ?? {}) as T;
  };
  const { size: partSize } = await post<{ size: number }>("part_size", { size: data.size });
  const chunk = Math.max(1, Number(partSize) || data.size || 1);
  const slices: Blob[] = [];
  for (let start = 0; start < data.size || slices.length === 0; start += chunk) {
    slices.push(data.slice(start, start + chunk));
  }
  const partHashes: string[] = [];
  for (const slice of slices) partHashes.push(await md5OfBlob(slice));
  const objectName = `${params.userID}/${name}`;
  const initiated = await post<{
    url?: string;
    upload?: {
      uploadID: string;
      sign: { url?: string; query?: SignedPart["query"]; header?: SignedPart["header"]; parts: SignedPart[] };
    };
  }>("initiate_multipart_upload", {
    hash: md5(partHashes.join(",")),
    size: data.size,
    partSize: chunk,
    maxParts: -1,
    cause: "",
    name: objectName,
    contentType: mimeType,
  });
  // A url right away means the server already holds an object with this hash.
  if (initiated.url) return { url: initiated.url, name, size: data.size, mimeType };
  const upload = initiated.upload;
  if (!upload) throw new Error("/object/initiate_multipart_upload returned neither url nor upload");
  const putPart = async (part: SignedPart, index: number) => {
    const url = new URL(part.url || upload.sign.url || "");
    for (const q of [...(upload.sign.query ?? []), ...(part.query ?? [])])
      url.searchParams.set(q.key, q.values[0] ?? "");
    const headers = new Headers();
    for (const h of [...(upload.sign.header ?? []), ...(part.header ?? [])])
      headers.set(h.key, h.values[0] ?? "");
    headers.set("Content-Type", mimeType);
    const response = await fetch(url, {
      method: "PUT",
      headers,
      body: slices[index] ?? new Blob([]),
      signal,
    });
    if (!response.ok) throw new Error(`upload of part ${index + 1} answered HTTP ${response.status}`);
    await response.arrayBuffer();
  };
  // A few parts in flight at a time: each is read from disk as it is sent.
  let next = 0;
  const worker = async () => {
    while (next < upload.sign.parts.length) {
      const index = next++;
      await putPart(upload.sign.parts[index] as SignedPart, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, upload.sign.parts.length) }, worker));
  const done = await post<{ url: string }>("complete_multipart_upload", {
    uploadID: upload.uploadID,
    parts: partHashes,
    cause: "",
    name: objectName,
    contentType: mimeType,
  });
  if (!done.url) throw new Error("/object/complete_multipart_upload returned no url");
  return { url: done.url, name, size: data.size, mimeType };
}
