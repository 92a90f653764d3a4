import { checkRefreshBlock, type RefreshBlock } from "./refresh-input.js";
import type { SetupUi } from "./ui.js";

const optional = (problem: (v: string) => string | null) => (v: string) => (v === "" ? null : problem(v));

function jsonOrText(raw: string): unknown {
  if (!raw.trim().startsWith("{")) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Asks for the channel-wide tokenRefresh block, starting from what the file already has. */
export async function askTokenRefresh(
  ui: SetupUi,
  current: RefreshBlock | undefined,
): Promise<RefreshBlock | undefined> {
  const wanted = await ui.confirm("Configure token refresh (channel-wide tokenRefresh)?", false);
  if (!wanted) return undefined;
  const mode = await ui.select(
    "Refresh mode",
    [
      { value: "http", label: "http", hint: "POST to your auth endpoint (recommended)" },
      { value: "hook", label: "hook", hint: "globalThis.__multiOpenimTokenRefresher" },
      { value: "off", label: "off", hint: "write a manual-login marker" },
    ],
    current?.mode ?? "http",
  );
  if (mode !== "http") return checkRefreshBlock({ mode }, "tokenRefresh");
  const prior = current?.http ?? {};
  const str = (key: string) => (typeof prior[key] === "string" ? (prior[key] as string) : undefined);
  const endpoint = await ui.text({
    message: "Refresh endpoint ({accountId} and {state.<field>} are substituted)",
    ...(str("endpoint")
      ? { defaultValue: str("endpoint") }
      : { placeholder: "https://auth.example.com/refresh" }),
    validate: (v) => (v ? null : "required for mode http"),
  });
  const body = await ui.text({
    message: "Request body (JSON object or text; empty for none)",
    placeholder: '{"refreshToken": "{state.refresh_token}"}',
  });
  const tokenPath = await ui.text({
    message: "Dot-path to the new token in the response",
    defaultValue: typeof prior.responseTokenPath === "string" ? prior.responseTokenPath : "token",
  });
  const stateFile = await ui.text({
    message: "State file for {state.<field>} (empty for none)",
    ...(str("stateFile") ? { defaultValue: str("stateFile") } : {}),
    validate: optional((v) => (v.startsWith("/") || v.startsWith("~") ? null : "use an absolute path")),
  });
  const http: Record<string, unknown> = { ...prior, endpoint, responseTokenPath: tokenPath };
  if (body) http.body = jsonOrText(body);
  if (stateFile) http.stateFile = stateFile;
  return checkRefreshBlock({ ...current, mode, http }, "tokenRefresh");
}

/** Friend APIs: written per account only when the answer differs from the channel's setting. */
export async function askFriendSdk(ui: SetupUi, channelDefault: boolean): Promise<boolean | undefined> {
  const disable = await ui.confirm(
    "Keep the SDK's friend APIs disabled for this account (recommended when another system owns friendships)?",
    channelDefault,
  );
  return disable === channelDefault ? undefined : disable;
}
