import type { Context } from 'hono';
import type { z } from 'zod';
import type { FieldErrors } from './views/form.tsx';

export type FormInput<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: FieldErrors; readonly raw: Readonly<Record<string, string>> };

/**
 * Reads a posted form through its schema, once, at the edge. Only text fields are kept (a file
 * where text belongs reads as empty), and only the first message per field is shown.
 */
export async function readForm<S extends z.ZodType<Record<string, unknown>>>(
  c: Context,
  schema: S,
): Promise<FormInput<z.infer<S>>> {
  // A body that does not parse as a form (a broken multipart boundary) is treated as an empty form.
  const body = await c.req.parseBody().catch(() => ({}));
  const raw = Object.fromEntries(
    Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    errors[field] ??= issue.message;
  }
  return { ok: false, errors, raw };
}
