import { createHash, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";

export interface UploadParams {
  apiAddr: string;
  token: string;
  userID: string;
  path: string;
  timeoutMs: number;
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

interface SignedPart {
  partNumber?: number;
  url?: string;
  query?: { key: string; values: string[] }[];
  header?: { key: string; values: string[] }[];
}

/**
 * Uploads a local file through the server's object routes (the SDK's own upload needs a browser
 * FileReader): part_size → initiate_multipart_upload → signed PUTs → complete_multipart_upload.
 */
export async function uploadFile(params: UploadParams): Promise<UploadedFile> {
  const signal = AbortSignal.timeout(params.timeoutMs);
  const data: Uint8Array<ArrayBuffer> = new Uint8Array(await readFile(params.path));
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
  const { size: partSize } = await post<{ size: number }>("part_size", { size: data.byteLength });
  const chunk = Math.max(1, Number(partSize) || data.byteLength || 1);
  const slices: Uint8Array<ArrayBuffer>[] = [];
  for (let start = 0; start < data.byteLength || slices.length === 0; start += chunk) {
    slices.push(data.subarray(start, start + chunk));
  }
  const partHashes = slices.map((slice) => md5(slice));
  const objectName = `${params.userID}/${name}`;
  const initiated = await post<{
    url?: string;
    upload?: {
      uploadID: string;
      sign: { url?: string; query?: SignedPart["query"]; header?: SignedPart["header"]; parts: SignedPart[] };
    };
  }>("initiate_multipart_upload", {
    hash: md5(partHashes.join(",")),
    size: data.byteLength,
    partSize: chunk,
    maxParts: -1,
    cause: "",
    name: objectName,
    contentType: mimeType,
  });
  // A url right away means the server already holds an object with this hash.
  if (initiated.url) return { url: initiated.url, name, size: data.byteLength, mimeType };
  const upload = initiated.upload;
  if (!upload) throw new Error("/object/initiate_multipart_upload returned neither url nor upload");
  await Promise.all(
    upload.sign.parts.map(async (part, index) => {
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
        body: new Blob([slices[index] ?? new Uint8Array(0)]),
        signal,
      });
      if (!response.ok) throw new Error(`upload of part ${index + 1} answered HTTP ${response.status}`);
      await response.arrayBuffer();
    }),
  );
  const done = await post<{ url: string }>("complete_multipart_upload", {
    uploadID: upload.uploadID,
    parts: partHashes,
    cause: "",
    name: objectName,
    contentType: mimeType,
  });
  if (!done.url) throw new Error("/object/complete_multipart_upload returned no url");
  return { url: done.url, name, size: data.byteLength, mimeType };
}
