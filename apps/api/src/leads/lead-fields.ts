import { badInput } from '../common/errors/api-errors';

/** A lead's profile as a command takes it: custom fields as a record. */
export type LeadFieldsValue = {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  title?: string | null;
  timezone?: string | null;
  customFields?: Record<string, string>;
};

type Pair = { key: string; value: string };

/** Why a list of custom field pairs cannot become a record (a key given twice is ambiguous), or null. */
export function customFieldsProblem(pairs: readonly Pair[] | null | undefined): string | null {
  const seen = new Set<string>();
  for (const { key } of pairs ?? []) {
    if (seen.has(key)) return `customFields: "${key}" is given twice`;
    seen.add(key);
  }
  return null;
}

/** The GraphQL list of pairs as the record the decider checks. */
export function customFieldsRecord(pairs: readonly Pair[] | null | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  const problem = customFieldsProblem(pairs);
  if (problem) throw badInput(problem, 'LEAD.INVALID');
  return Object.fromEntries(pairs.map(({ key, value }) => [key, value]));
}
