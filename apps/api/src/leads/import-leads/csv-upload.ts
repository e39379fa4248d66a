import busboy from 'busboy';
import type { Readable } from 'node:stream';
import type { Request } from 'express';
import { badInput } from '../../common/errors/api-errors';

const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel']);

/**
 * The CSV of an upload as a stream: the request body itself (Content-Type: text/csv), or the
 * first file of a multipart/form-data form (field `file` by convention). Nothing is buffered:
 * busboy hands the file over as it arrives.
 */
export function csvUpload(request: Request): Promise<Readable> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (CSV_TYPES.has(type)) return Promise.resolve(request);
  if (type !== 'multipart/form-data') {
    return Promise.reject(badInput('Send the CSV as the body with Content-Type: text/csv, or as a multipart/form-data upload in a field named "file"', 'IMPORT.BAD_CONTENT_TYPE'));
  }
  return new Promise<Readable>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { files: 1, fields: 20 } });
    } catch (error) {
      reject(badInput(`The multipart upload cannot be read: ${error instanceof Error ? error.message : String(error)}`, 'IMPORT.BAD_UPLOAD'));
      return;
    }
    let found = false;
    parser.on('file', (_field, file) => {
      found = true;
      resolve(file);
    });
    parser.on('error', (error: unknown) => reject(badInput(`The multipart upload cannot be read: ${error instanceof Error ? error.message : String(error)}`, 'IMPORT.BAD_UPLOAD')));
    parser.on('close', () => {
      if (!found) reject(badInput('The multipart upload has no file: put the CSV in a field named "file"', 'IMPORT.NO_FILE'));
    });
    request.pipe(parser);
  });
}
