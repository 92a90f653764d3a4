import { randomUUID } from "node:crypto";
import { MultiOpenimError, type Target } from "@multi-openim/core";
import { checkLocalFile, resolveTarget, type SendContext, send } from "./send.js";
import type { MediaSource, SendResult } from "./types.js";
import { mimeTypeOf, uploadFile } from "./upload.js";

/**
 * A native OpenIM voice message (`createSoundMessageByURL` + `sendMessageNotOss`, content type 103),
 * which OpenIM apps show as a playable voice note, unlike a file. A local file is uploaded first
 * through the object routes. `durationSec` is what the apps show; 0 when unknown.
 */
export async function sendSound(
  ctx: SendContext,
  target: string | Target,
  source: MediaSource,
  durationSec = 0,
): Promise<SendResult> {
  const to = resolveTarget(ctx.accountId, target);
  if ("path" in source) await checkLocalFile(ctx.accountId, "sendSound", source.path);
  else if (!/^https?:\/\//i.test(String(source?.url ?? ""))) {
    throw new MultiOpenimError(
      "MEDIA_REFUSED",
      `[client] account=${ctx.accountId}: sendSound needs {url: "http(s)://..."} or {path}`,
    );
  }
  const duration = Number.isFinite(durationSec) && durationSec > 0 ? Math.round(durationSec) : 0;
  return send(
    ctx,
    to,
    "sendSound",
    async (sdk, session) => {
      const media =
        "path" in source
          ? await uploadFile({ ...session.credentials, path: source.path, timeoutMs: ctx.uploadTimeoutMs })
          : {
              url: source.url,
              size: source.size ?? 0,
              mimeType: source.mimeType ?? mimeTypeOf(source.url),
            };
      return sdk.createSoundMessageByURL({
        uuid: randomUUID(),
        soundPath: "",
        sourceUrl: media.url,
        dataSize: media.size,
        duration,
        soundType: media.mimeType,
      });
    },
    true,
  );
}
