import { Readable } from 'node:stream';
import { ApiError } from '../../common/errors/api-errors';
import { csvLeadRows } from './csv-lead-rows';
import { ImportRow } from './import-leads.handler';

async function rowsOf(csv: string | Buffer, chunkSize = 7): Promise<ImportRow[]> {
  // Small chunks: a row split across chunks must parse the same.
  const data = typeof csv === 'string' ? Buffer.from(csv) : csv;
  const chunks = Array.from({ length: Math.ceil(data.length / chunkSize) }, (_, i) => data.subarray(i * chunkSize, (i + 1) * chunkSize));
  const rows: ImportRow[] = [];
  for await (const row of csvLeadRows(Readable.from(chunks))) rows.push(row);
  return rows;
}

async function refusal(csv: string): Promise<ApiError> {
  try {
    await rowsOf(csv);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the CSV to be refused');
}

describe('a CSV of leads', () => {
  it('maps the standard columns in any common spelling and every other column to a custom field', async () => {
    const rows = await rowsOf('\uFEFFE-mail,First Name,last_name,Company,Job Title,Time zone,Industry,Deal size\n ada@example.com ,Ada,Lovelace,Analytical,CTO,Europe/London,Computing,"1,000"\n');
    expect(rows).toEqual([
      {
        row: 2,
        email: 'ada@example.com',
        fields: {
          email: 'ada@example.com',
          firstName: 'Ada',
          lastName: 'Lovelace',
          company: 'Analytical',
          title: 'CTO',
          timezone: 'Europe/London',
          customFields: { Industry: 'Computing', Deal_size: '1,000' },
        },
      },
    ]);
  });

  it('numbers rows like a spreadsheet (header is row 1), skips blank lines, and leaves empty cells out', async () => {
    const rows = await rowsOf('email,firstName,industry\na@example.com,,\n\n,,\nb@example.com,Bo,"multi\nline"\n');
    expect(rows.map((r) => r.row)).toEqual([2, 3]);
    expect(rows[0]).toMatchObject({ email: 'a@example.com', fields: { firstName: undefined, customFields: {} } });
    expect(rows[1]).toMatchObject({ email: 'b@example.com', fields: { firstName: 'Bo', customFields: { industry: 'multi\nline' } } });
  });

  it('passes rows with a missing or bad email on, for the decider to report', async () => {
    const rows = await rowsOf('email,company\nnot-an-email,Acme\n,Initech\n');
    expect(rows.map((r) => r.email)).toEqual(['not-an-email', '']);
  });

  it('refuses a header without an email column, naming the known columns', async () => {
    const error = await refusal('name,company\nAda,Acme\n');
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'IMPORT.NO_EMAIL_COLUMN' });
    expect(error.message).toMatch(/needs an email column/);
  });

  it('refuses a header that names one field twice', async () => {
    expect(await refusal('email,Email Address\na@example.com,b@example.com\n')).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'IMPORT.BAD_HEADER' });
  });

  it('refuses malformed CSV with the line it stopped at', async () => {
    const error = await refusal('email,company\na@example.com,"unclosed\n');
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'IMPORT.BAD_CSV' });
    expect(error.message).toMatch(/near line \d+/);
  });

  it('streams a 20,000-row file through to its last row', async () => {
    const count = 20_000;
    async function* generate() {
      yield 'email,first_name\n';
      for (let i = 0; i < count; i++) yield `lead${i}@example.com,Lead ${i}\n`;
    }
    let seen = 0;
    for await (const row of csvLeadRows(Readable.from(generate()))) {
      seen++;
      if (seen === count) expect(row).toMatchObject({ row: count + 1, email: `lead${count - 1}@example.com` });
    }
    expect(seen).toBe(count);
  });
});
