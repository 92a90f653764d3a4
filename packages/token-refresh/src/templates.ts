import { getByPath } from "./paths.js";

/** What a template may reference: `{accountId}` and `{state.<field>}` (a dot-path into the account's state). */
export interface TemplateContext {
  accountId: string;
  state?: Record<string, unknown>;
  /** Called with every state value substituted, so the caller can treat it as a secret. */
  onStateValue?: (field: string, value: string) => void;
  /** Called for a `{state.<field>}` with no value; it renders as "" (as the seed did). */
  onMissing?: (field: string) => void;
}

const PLACEHOLDER = /\{(accountId|state\.([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*))\}/g;

/** Substitutes `{accountId}` and `{state.<field>}` in one string; other braces are left as they are. */
export function renderTemplate(template: string, context: TemplateContext): string {
  return template.replace(PLACEHOLDER, (_match, _name: string, field: string | undefined) => {
    if (field === undefined) return context.accountId;
    const raw = getByPath(context.state ?? {}, field);
    if (raw === undefined || raw === null) {
      context.onMissing?.(field);
      return "";
    }
    const value = typeof raw === "string" ? raw : typeof raw === "object" ? JSON.stringify(raw) : String(raw);
    context.onStateValue?.(field, value);
    return value;
  });
}

/** Renders every string leaf of a body (objects and arrays, recursively); other leaves stay as they are. */
export function renderDeep(value: unknown, context: TemplateContext): unknown {
  if (typeof value === "string") return renderTemplate(value, context);
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, context));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = renderDeep(item, context);
    return out;
  }
  return value;
}
