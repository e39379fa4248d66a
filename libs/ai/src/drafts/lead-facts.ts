import { InvalidAiRequest } from '../ai.errors';
import { LeadContext } from '../ai.types';

/** Custom fields whose name says they hold research about the lead: grounded on first. */
const RESEARCH_FIELD = /research|notes?$|^notes?|news|insight|about|background|context|summary|bio/i;

export function isResearchField(name: string): boolean {
  return RESEARCH_FIELD.test(name);
}

/** What is known of a lead, as it goes to the model: research notes apart, long text cut. */
export type LeadData = {
  firstName?: string;
  lastName?: string;
  company?: string;
  title?: string;
  researchNotes: Record<string, string>;
  customFields: Record<string, string>;
};

/** Caps what one lead adds to a prompt (50 custom fields of 2000 characters would be ~25k tokens). */
const MAX_LEAD_CHARS = 8000;
const MAX_FIELD_CHARS = 2000;

const clip = (value: string, max: number) => (value.length > max ? `${value.slice(0, max - 1)}…` : value);

/**
 * The lead's facts for a prompt: standard fields, research notes first, other custom fields in
 * name order, until the budget is used; `omitted` names what did not fit.
 */
export function leadData(lead: LeadContext): { data: LeadData; omitted: string[] } {
  const data: LeadData = { researchNotes: {}, customFields: {} };
  let used = 0;
  for (const field of ['firstName', 'lastName', 'company', 'title'] as const) {
    const value = lead[field]?.trim();
    if (value) {
      data[field] = clip(value, 200);
      used += value.length;
    }
  }
  const names = Object.keys(lead.customFields).sort((a, b) => Number(isResearchField(b)) - Number(isResearchField(a)) || a.localeCompare(b));
  const omitted: string[] = [];
  for (const name of names) {
    const value = (lead.customFields[name] ?? '').trim();
    if (!value) continue;
    const clipped = clip(value, MAX_FIELD_CHARS);
    if (used + clipped.length > MAX_LEAD_CHARS) {
      omitted.push(name);
      continue;
    }
    used += clipped.length;
    (isResearchField(name) ? data.researchNotes : data.customFields)[name] = clipped;
  }
  return { data, omitted };
}

/** A BCP 47 tag in canonical form (`en-us` becomes `en-US`); anything else is refused. */
export function normaliseLanguage(tag: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    if (canonical) return canonical;
  } catch {
    // falls through to the refusal
  }
  throw new InvalidAiRequest(`language "${tag}" is not a BCP 47 language tag: use one such as en, de or pt-BR`);
}

/** The primary language of a tag: `de-CH` is `de`. */
export const primaryLanguage = (tag: string) => tag.split('-')[0]?.toLowerCase() ?? tag;
