import type { z } from 'zod';

export type DocumentParse<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/**
 * An upstream's document as the gateway relies on it, or what is wrong with it: JSON paths and
 * zod's issue codes only, never a value (a value could be personal data, and this reaches the logs).
 */
export function parseDocument<S extends z.ZodType>(schema: S, value: unknown): DocumentParse<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`) };
}
