import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, type Route, sendJson } from "./api.js";
import type { ServerContext } from "./context.js";

const MIN_PART_SIZE = 5 * 1024 * 1024;
const UPLOAD_TTL_MS = 10 * 60 * 1000;

interface Upload {
  name: string;
  contentType: string;
  partCount: number;
  parts: Map<number, Buffer>;
  expiresAt: number;
}

/** Object storage on the API port: multipart uploads to signed PUT URLs, downloads from /object/<name>. */
export class ObjectStore {
  readonly uploads = new Map<string, Upload>();
  readonly objects = new Map<string, { bytes: Buffer; contentType: string }>();
}

function signPart(secret: string, uploadID: string, part: number, expires: number): string {
  return createHmac("sha256", secret).update(`${uploadID}/${part}/${expires}`).digest("hex");
}

export const objectRoutes: Record<string, Route> = {
  "/object/part_size": {
    auth: "user",
    handle: ({ body }) => {
      const size = Number(body.size);
      if (!Number.isFinite(size) || size <= 0) throw new ApiError(1001, "size must be a positive number");
      return { size: Math.max(MIN_PART_SIZE, Math.ceil(size / 10000)) };
    },
  },
  "/object/initiate_multipart_upload": {
    auth: "user",
    handle: ({ ctx, body, userID }) => {
      const size = Number(body.size);
      const partSize = Number(body.partSize);
      const name = typeof body.name === "string" && body.name ? body.name : `${userID}/${randomUUID()}`;
      if (!(size > 0) || !(partSize > 0)) throw new ApiError(1001, "size and partSize must be positive");
      const uploadID = randomUUID();
      const partCount = Math.ceil(size / partSize);
      const expiresAt = Date.now() + UPLOAD_TTL_MS;
      ctx.objects.uploads.set(uploadID, {
        name,
        contentType: String(body.contentType ?? "application/octet-stream"),
        partCount,
        parts: new Map(),
        expiresAt,
      });
      const parts = Array.from({ length: partCount }, (_, i) => {
        const sig = signPart(ctx.secret, uploadID, i + 1, expiresAt);
        return {
          partNumber: i + 1,
          url: `${ctx.apiAddr}/devserver-object/part/${uploadID}/${i + 1}?expires=${expiresAt}&sig=${sig}`,
          query: [],
          header: [],
        };
      });
      return {
        url: "",
        upload: {
          uploadID,
          partSize,
          sign: { url: "", query: [], header: [], parts },
          expireTime: expiresAt,
        },
      };
    },
  },
  "/object/complete_multipart_upload": {
    auth: "user",
    handle: ({ ctx, body }) => {
      const upload = ctx.objects.uploads.get(String(body.uploadID ?? ""));
      if (!upload) throw new ApiError(1004, "uploadID not found");
      const missing = Array.from({ length: upload.partCount }, (_, i) => i + 1).filter(
        (n) => !upload.parts.has(n),
      );
      if (missing.length > 0) throw new ApiError(1001, `parts not uploaded: ${missing.join(",")}`);
      const bytes = Buffer.concat(
        Array.from({ length: upload.partCount }, (_, i) => upload.parts.get(i + 1)!),
      );
      ctx.objects.objects.set(upload.name, { bytes, contentType: upload.contentType });
      ctx.objects.uploads.delete(String(body.uploadID));
      return { url: `${ctx.apiAddr}/object/${upload.name.split("/").map(encodeURIComponent).join("/")}` };
    },
  },
};

/** The signed PUT and the download GET: plain HTTP, no OpenIM envelope, like MinIO behind a real server. */
export async function handleObjectHttp(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  raw: Buffer,
  url: URL,
): Promise<boolean> {
  const put = /^\/devserver-object\/part\/([^/]+)\/(\d+)$/.exec(url.pathname);
  if (put && req.method === "PUT") {
    ctx.count("PUT /devserver-object/part");
    const [uploadID, part] = [put[1]!, Number(put[2])];
    const expires = Number(url.searchParams.get("expires"));
    const want = Buffer.from(signPart(ctx.secret, uploadID, part, expires));
    const got = Buffer.from(url.searchParams.get("sig") ?? "");
    const upload = ctx.objects.uploads.get(uploadID);
    if (
      want.length !== got.length ||
      !timingSafeEqual(want, got) ||
      expires < Date.now() ||
      !upload ||
      part > upload.partCount
    ) {
      res.writeHead(403).end("signature invalid or expired");
      return true;
    }
    upload.parts.set(part, raw);
    res.writeHead(200, { etag: `"${part}"` }).end();
    return true;
  }
  if (req.method === "GET" && url.pathname.startsWith("/object/")) {
    ctx.count("GET /object");
    const name = url.pathname.slice("/object/".length).split("/").map(decodeURIComponent).join("/");
    const obj = ctx.objects.objects.get(name);
    if (!obj) {
      sendJson(res, 404, { errCode: 1004, errMsg: "object not found", errDlt: "" });
      return true;
    }
    res
      .writeHead(200, { "content-type": obj.contentType, "content-length": obj.bytes.length })
      .end(obj.bytes);
    return true;
  }
  return false;
}
