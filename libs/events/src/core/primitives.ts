import { z } from 'zod';

/** An instant as an ISO-8601 string with an offset (we always write UTC, `...Z`). */
export const Instant = z.iso.datetime({ offset: true });
export const Id = z.uuid();
export const NonEmpty = z.string().trim().min(1);
export const Email = z.email();
/** An ISO-8601 duration such as P2D, PT4H or PT30S (validated further by the domain). */
export const IsoDuration = z.string().regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, 'must be an ISO-8601 duration such as P2D, PT4H or PT30S');
export const CustomFields = z.record(z.string(), z.string());
/** A local wall-clock time, HH:MM (24 h). */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM, e.g. 09:30');
/** An IANA time zone name; the domain checks that it exists. */
export const TimeZoneName = z.string().min(1).max(64);
