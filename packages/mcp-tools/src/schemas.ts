import { type Static, Type } from "@sinclair/typebox";

// TypeBox objects are plain JSON Schema at runtime, so one object serves OpenClaw (which validates with it)
// and MCP (which lists it as inputSchema). No oneOf at the top: several model APIs refuse it in tool schemas.

const accountId = Type.String({
  description:
    'The configured OpenIM account that sends the message, e.g. "primary". Required: there is no default account.',
});

const to = Type.String({
  description: 'Recipient: "user:<userID>" for a direct chat, or "group:<groupID>" for a group chat.',
});

const url = Type.Optional(
  Type.String({ description: "A public http:// or https:// URL of the media. Give url or path, not both." }),
);

const localPath = Type.Optional(
  Type.String({
    description:
      "An absolute path to a local file, only inside the folders the operator allowed (none by default). Give url or path, not both.",
  }),
);

const caption = Type.Optional(
  Type.String({
    description: "Optional text sent with the media (as a text message right after it), in the same chat.",
  }),
);

export const sendTextParameters = Type.Object({
  accountId,
  to,
  text: Type.String({ description: "The message text. Must not be empty." }),
});

export const sendImageParameters = Type.Object({ accountId, to, url, path: localPath, caption });

export const sendVideoParameters = Type.Object({ accountId, to, url, path: localPath, caption });

export const sendFileParameters = Type.Object({
  accountId,
  to,
  url,
  path: localPath,
  fileName: Type.Optional(
    Type.String({ description: "Name the recipient sees, e.g. report.pdf. Defaults to the source's name." }),
  ),
  caption,
});

export type SendTextParams = Static<typeof sendTextParameters>;
export type SendMediaParams = Static<typeof sendFileParameters>;
