import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { MultiOpenimError } from "@multi-openim/core";
import { checkUrl, endpointOf, type HostPolicy, normalizeHost } from "./net-guard.js";

export interface MediaFetchOptions extends HostPolicy {
  maxBytes: number;
  /** The whole download, redirects included. */
  timeoutMs: number;
  maxRedirects?: number;
}

export interface FetchedMedia {
  buffer: Buffer;
  contentType?: string;
  fileName?: string;
  finalUrl: string;
}

function failed(reason: string, cause?: unknown): MultiOpenimError {
  return new MultiOpenimError("MEDIA_FETCH_FAILED", `[media] ${reason}`, cause ? { cause } : undefined);
}

/**
 * Downloads inbound media with the SSRF guard applied to every hop: redirects are followed by hand
 * (each Location checked like the first URL), the socket is pinned to the checked address, the size
 * is capped (Content-Length first, then counted bytes) and the whole download has a deadline.
 * node:http is used instead of fetch() so the connection can be pinned via `lookup`.
 */
export async function fetchMedia(rawUrl: string, options: MediaFetchOptions): Promise<FetchedMedia> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new MultiOpenimError("MEDIA_REFUSED", `[media] not a URL: ${JSON.stringify(rawUrl.slice(0, 200))}`);
  }
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const maxRedirects = options.maxRedirects ?? 5;
  // The OpenIM API hands out its object storage by redirect (/object/<name> → the bucket). Where a
  // trusted endpoint redirects to another port of its own host, that port is trusted for this
  // download; another host it names is allowed on public addresses only.
  const trustedEndpoints = [...options.trustedEndpoints];
  const allowHosts = [...options.allowHosts];
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const target = await checkUrl(url, { ...options, trustedEndpoints, allowHosts });
    const res = await get(url, target, deadline);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      url = new URL(res.headers.location, url);
      if (target.trusted && (url.protocol === "http:" || url.protocol === "https:")) {
        const sameHost = trustedEndpoints.some((e) => e.startsWith(`${normalizeHost(url.hostname)}:`));
        (sameHost ? trustedEndpoints : allowHosts).push(endpointOf(url));
      }
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw failed(`HTTP ${status} from ${url.host}`);
    }
    const declared = Number(res.headers["content-length"]);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      res.destroy();
      throw new MultiOpenimError(
        "MEDIA_REFUSED",
        `[media] file too large: ${declared} bytes > mediaMaxMb limit of ${options.maxBytes} bytes`,
      );
    }
    const buffer = await readCapped(res, options.maxBytes, deadline);
    const type = res.headers["content-type"]?.split(";")[0]?.trim();
    const name = decodeURIComponent(url.pathname.split("/").pop() ?? "") || undefined;
    return {
      buffer,
      ...(type ? { contentType: type } : {}),
      ...(name ? { fileName: name } : {}),
      finalUrl: url.href,
    };
  }
  throw failed(`more than ${maxRedirects} redirects`);
}

function get(url: URL, target: { address: string; family: number }, signal: AbortSignal) {
  // Every connection goes to the address checkUrl approved, whatever DNS says a moment later.
  const lookup: LookupFunction = (_host, opts, cb) => {
    if ((opts as { all?: boolean }).all) cb(null, [target] as never);
    else cb(null, target.address, target.family);
  };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(url, { method: "GET", lookup, signal, headers: { accept: "*/*" } }, resolve);
    req.on("error", (error) =>
      reject(
        signal.aborted
          ? failed("download timed out", error)
          : failed(`request to ${url.host} failed: ${error.message}`, error),
      ),
    );
    req.end();
  });
}

function readCapped(res: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onAbort = () => {
      res.destroy();
      reject(failed("download timed out"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        signal.removeEventListener("abort", onAbort);
        res.destroy();
        reject(
          new MultiOpenimError(
            "MEDIA_REFUSED",
            `[media] file too large: more than the mediaMaxMb limit of ${maxBytes} bytes`,
          ),
        );
        return;
      }
      parts.push(chunk);
    });
    res.on("end", () => {
      signal.removeEventListener("abort", onAbort);
      resolve(Buffer.concat(parts));
    });
    res.on("error", (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(signal.aborted ? failed("download timed out", error) : failed(error.message, error));
    });
  });
}
