import { z } from 'zod';

/** An instant as an ISO-8601 string with an offset (we always write UTC, `...Z`). */
export const Instant = z.iso.datetime({ offset: true });
export const Id = z.uuid();
export const NonEmpty = z.string().trim().min(1);
export const Email = z.email();
/** An ISO-8601 duration such as P2D, PT4H or PT30S (validated further by the domain). */
export const IsoDuration = z.string().regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, 'must be an ISO-8601 duration such as P2D, PT4H or PT30S');
export const CustomFields = z.record(z.string(), z.string());
