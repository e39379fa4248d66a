import { CsvError, parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { badInput } from '../../common/errors/api-errors';
import { LeadFieldsValue } from '../lead-fields';
import { ImportRow } from './import-leads.handler';

type StandardField = 'email' | 'firstName' | 'lastName' | 'company' | 'title' | 'timezone';

/** Header spellings of the standard fields, compared lower-cased without spaces, dashes or underscores. */
const STANDARD_HEADERS: Record<string, StandardField> = {
  email: 'email',
  emailaddress: 'email',
  firstname: 'firstName',
  givenname: 'firstName',
  lastname: 'lastName',
  surname: 'lastName',
  familyname: 'lastName',
  company: 'company',
  companyname: 'company',
  organization: 'company',
  organisation: 'company',
  title: 'title',
  jobtitle: 'title',
  timezone: 'timezone',
  tz: 'timezone',
};

const CUSTOM = 'custom:';

/**
 * Maps header cells to record keys: standard fields by name, every other column to a custom
 * field whose key is the header with runs of other characters than letters, digits and `_`
 * turned into `_` ("Deal size" becomes `Deal_size`, read in templates as {{Deal_size}}).
 */
export function mapHeader(header: readonly string[]): (string | false)[] {
  const seen = new Set<string>();
  const keys = header.map((cell) => {
    const name = cell.trim();
    if (!name) return false;
    const standard = STANDARD_HEADERS[name.toLowerCase().replace(/[\s_-]+/g, '')];
    const key = standard ?? `${CUSTOM}${name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || '_'}`;
    if (seen.has(key)) throw badInput(`The CSV header has the column "${name}" twice (or two columns that mean the same field)`, 'IMPORT.BAD_HEADER');
    seen.add(key);
    return key;
  });
  if (!seen.has('email')) throw badInput('The CSV header needs an email column (other known columns: first_name, last_name, company, title, timezone; any other column becomes a custom field)', 'IMPORT.NO_EMAIL_COLUMN');
  return keys;
}

function toRow(row: number, record: Record<string, string | undefined>): ImportRow {
  const email = record.email ?? '';
  const optional = (key: StandardField) => (record[key] ? record[key] : undefined);
  const customFields: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key.startsWith(CUSTOM) && value) customFields[key.slice(CUSTOM.length)] = value;
  }
  const fields: LeadFieldsValue = {
    email,
    firstName: optional('firstName'),
    lastName: optional('lastName'),
    company: optional('company'),
    title: optional('title'),
    timezone: optional('timezone'),
    customFields,
  };
  return { row, email, fields };
}

/**
 * Streams the rows of a CSV (header row first, comma-separated, UTF-8 with or without BOM) in
 * constant memory: csv-parse reads as the rows are consumed, and back-pressure holds the
 * upload while the import works.
 */
export async function* csvLeadRows(source: Readable): AsyncGenerator<ImportRow> {
  const parser = source.pipe(
    parse({
      columns: mapHeader,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      max_record_size: 1_000_000,
    }),
  );
  source.on('error', (error) => parser.destroy(error));
  let row = 1;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string | undefined>>) {
      row++;
      yield toRow(row, record);
    }
  } catch (error) {
    if (error instanceof CsvError) throw badInput(`The CSV could not be read near line ${error.lines ?? '?'}: ${error.message}`, 'IMPORT.BAD_CSV');
    throw error;
  } finally {
    parser.destroy();
  }
}
