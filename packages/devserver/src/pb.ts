import { PbCoder } from "@openim/protocol";

export type { ConversationProto, JsSdkProto, MsgProto, SdkWsProto } from "@openim/protocol";
export { PbCoder };

interface Coder<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/** A complete message from a partial: the coders have no fromPartial and throw on a missing field. */
export function full<T>(coder: Coder<T>, partial: Partial<T>): T {
  return Object.assign(coder.decode(new Uint8Array(0)) as object, partial) as T;
}

export function encode<T>(coder: Coder<T>, partial: Partial<T>): Uint8Array {
  return coder.encode(full(coder, partial)).finish();
}

export function encodeBase64<T>(coder: Coder<T>, partial: Partial<T>): string {
  return Buffer.from(encode(coder, partial)).toString("base64");
}

export function decodeBase64<T>(coder: Coder<T>, data: unknown): T {
  const bytes = typeof data === "string" ? Buffer.from(data, "base64") : new Uint8Array(0);
  return coder.decode(new Uint8Array(bytes));
}
