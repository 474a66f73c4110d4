import { createHash } from 'node:crypto';

/**
 * Case ids: `<suite>/<slug of the case name or its pinned id>[param=value,...]`. Readable in a report and
 * a baseline diff, stable as long as the name and parameter values stay, and free of whitespace (the guest
 * protocol separates tokens with spaces).
 */
export function caseId(suite: string, base: string, params: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(params);
  const suffix = entries.length ? `[${entries.map(([k, v]) => `${k}=${renderParam(v)}`).join(',')}]` : '';
  return `${suite}/${base}${suffix}`;
}

export function slug(name: string): string {
  return (
    name
      .replace(/\$\{[^{}]*\}/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'case'
  );
}

const MAX_RENDERED = 40;

/** Scalars as written; objects by their `label`, else a compact `key:value` form, else a short hash. */
export function renderParam(value: unknown): string {
  let text: string;
  if (value !== null && typeof value === 'object') {
    const label = (value as { label?: unknown }).label;
    text =
      typeof label === 'string'
        ? label
        : Object.entries(value)
            .map(([k, v]) => (v !== null && typeof v === 'object' ? `${k}:${JSON.stringify(v)}` : `${k}:${String(v)}`))
            .join(';');
  } else {
    text = String(value);
  }
  text = text.replace(/\s+/g, '_').replace(/[[\]=,]/g, '_');
  if (text.length <= MAX_RENDERED) return text;
  return `${text.slice(0, 24)}~${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 8)}`;
}
