import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { ClientDetails } from '../domain/client.ts';

/** One row of a client export, as a person would read it in the report. */
export interface ImportRow {
  /** The line in the file where the row ends (the header is line 1). */
  readonly line: number;
  readonly clientId: string | null;
  readonly details: ClientDetails | null;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

export interface ParsedImport {
  readonly rows: readonly ImportRow[];
  /** A problem with the file as a whole (unreadable CSV, missing columns); no row is imported. */
  readonly fileError: string | null;
}

/** The column names a pet-sitting client export uses, matched case- and space-insensitively. */
const columns = {
  clientId: ['clientid', 'id', 'clientnumber'],
  firstName: ['firstname', 'first'],
  lastName: ['lastname', 'last', 'surname'],
  email: ['email', 'emailaddress', 'primaryemail'],
  altEmail: ['altemail', 'alternateemail', 'secondaryemail'],
  status: ['status', 'clientstatus'],
} as const;
const requiredColumns = ['clientId', 'firstName', 'lastName', 'email'] as const;

const email = z.email({ error: 'is not a valid email address' });
const name = (label: string) =>
  z.string().trim().min(1, `${label} is empty`).max(100, `${label} is longer than 100 characters`);
const rowSchema = z.object({
  clientId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Client ID must be 1–64 letters, digits, - or _'),
  firstName: name('First Name'),
  lastName: name('Last Name'),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.union([z.literal(''), email]))
    .transform((v) => v || null),
  altEmail: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.union([z.literal(''), email]))
    .transform((v) => v || null),
  status: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['', 'active', 'inactive'], { error: 'Status must be active or inactive' }))
    .transform((v) => v !== 'inactive'),
});

const headerKey = (header: string) => header.toLowerCase().replace(/[^a-z]/g, '');

export function parseClientExport(text: string): ParsedImport {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // Vendor seam: csv-parse types its sync result without the `info` wrapper this option adds.
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    return { rows: [], fileError: `The file is not readable CSV: ${(error as Error).message}` };
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], fileError: 'The file is empty.' };
  const keys = header.record.map(headerKey);
  const index = Object.fromEntries(
    Object.entries(columns).map(([field, names]) => [
      field,
      keys.findIndex((key) => (names as readonly string[]).includes(key)),
    ]),
  ) as Record<keyof typeof columns, number>;
  const missing = requiredColumns.filter((field) => index[field] < 0);
  if (missing.length > 0) return { rows: [], fileError: `The header row lacks the column(s): ${missing.join(', ')}.` };

  const seenIds = new Map<string, number>();
  const seenEmails = new Map<string, string>();
  const rows = body.map(({ record, info }) => {
    const line = info.lines;
    if (record.length !== header.record.length) {
      return {
        line,
        clientId: null,
        details: null,
        errors: [`has ${record.length} fields where the header has ${header.record.length}`],
        warnings: [],
      };
    }
    const pick = (field: keyof typeof columns) => (index[field] >= 0 ? (record[index[field]] ?? '') : '');
    const parsed = rowSchema.safeParse(
      Object.fromEntries(Object.keys(columns).map((f) => [f, pick(f as keyof typeof columns)])),
    );
    if (!parsed.success) {
      return {
        line,
        clientId: pick('clientId') || null,
        details: null,
        errors: parsed.error.issues.map(describeIssue),
        warnings: [],
      };
    }
    const { clientId, status, ...rest } = parsed.data;
    const errors: string[] = [];
    const warnings: string[] = [];
    const earlier = seenIds.get(clientId);
    if (earlier !== undefined) errors.push(`Client ID ${clientId} already appears on line ${earlier}`);
    else seenIds.set(clientId, line);
    if (rest.email) {
      const sharer = seenEmails.get(rest.email);
      if (sharer)
        warnings.push(`shares the email ${rest.email} with ${sharer}; its user name will be first.last, not the email`);
      else seenEmails.set(rest.email, clientId);
    } else {
      warnings.push('has no email: it can be imported, but cannot be sent credentials until one is added');
    }
    return { line, clientId, details: errors.length ? null : { ...rest, active: status }, errors, warnings };
  });
  return { rows, fileError: null };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = String(issue.path[0] ?? '');
  const label = {
    clientId: 'Client ID',
    firstName: 'First Name',
    lastName: 'Last Name',
    email: 'Email',
    altEmail: 'Alt Email',
    status: 'Status',
  }[field];
  return issue.message.startsWith(label ?? '\u0000') || !label ? issue.message : `${label} ${issue.message}`;
}
