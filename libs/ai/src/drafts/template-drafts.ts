import { DomainError, STANDARD_VARIABLES, checkTemplate, renderEmail } from '@app/domain';
import { AnswerRejected } from '../ai.errors';
import { LeadContext } from '../ai.types';

/**
 * Defaults for the standard variables a lead may lack. A draft becomes a template sent to many
 * leads: `{{company}}` without a default fails to render for a lead without a company.
 */
export const VARIABLE_DEFAULTS: Readonly<Record<string, string>> = {
  firstName: 'there',
  fullName: 'there',
  lastName: '',
  company: 'your team',
  title: 'your role',
};

const BARE_VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** `{{ company }}` becomes `{{ company | default: "your team" }}`; variables with filters are left alone. */
export function withDefaults(text: string): string {
  return text.replace(BARE_VARIABLE, (all, name: string) => {
    const fallback = VARIABLE_DEFAULTS[name];
    return fallback === undefined ? all : `{{ ${name} | default: ${JSON.stringify(fallback)} }}`;
  });
}

/** The template variables a draft may use for this lead: the standard ones and its custom fields. */
export function availableVariables(lead: LeadContext | null): string[] {
  return [...STANDARD_VARIABLES, ...Object.keys(lead?.customFields ?? {}).sort()];
}

/** The lead's values for its variables, to prove a draft renders for it. */
export function leadVariables(lead: LeadContext, senderName?: string): Record<string, string | undefined> {
  const fullName = [lead.firstName, lead.lastName].filter(Boolean).join(' ') || undefined;
  return {
    ...lead.customFields,
    firstName: lead.firstName,
    lastName: lead.lastName,
    fullName,
    company: lead.company,
    title: lead.title,
    email: 'lead@example.com',
    senderName: senderName ?? 'Sender',
    senderEmail: 'sender@example.com',
  };
}

const BRACKET_PLACEHOLDER = /\[(?:first ?name|last ?name|name|company|title|your name|sender|industry|role|recipient)[^\]]{0,20}\]|<(?:first ?name|name|company)>/i;

/**
 * Proves that a subject and body work as a template: one-line subject, no `[Name]` left for
 * the rep to fill in, Liquid that parses, known variables (custom fields with a default), and,
 * for a lead, a rendering that succeeds. Returns the variables it reads. A failure is an
 * AnswerRejected: the model gets one chance to fix it.
 */
export function checkDraft(draft: { subject: string; body: string }, lead: LeadContext | null, senderName?: string): string[] {
  if (!draft.subject.trim()) throw new AnswerRejected('the subject is empty');
  if (/[\r\n]/.test(draft.subject)) throw new AnswerRejected('the subject must be a single line');
  if (draft.subject.length > 200) throw new AnswerRejected('the subject is longer than 200 characters');
  if (!draft.body.trim()) throw new AnswerRejected('the body is empty');
  const placeholder = BRACKET_PLACEHOLDER.exec(`${draft.subject}\n${draft.body}`);
  if (placeholder) throw new AnswerRejected(`"${placeholder[0]}" is a placeholder for the rep to fill in: use a template variable instead`);
  let variables: string[];
  try {
    variables = checkTemplate(draft);
  } catch (error) {
    if (error instanceof DomainError) throw new AnswerRejected(error.message);
    throw error;
  }
  if (lead) {
    const rendered = renderEmail(draft, leadVariables(lead, senderName));
    if (!rendered.ok) throw new AnswerRejected(`the draft does not render for this lead: ${rendered.error}`);
  }
  return variables;
}

/** Variables of `before` that `after` no longer uses: a rewrite should keep them. */
export function droppedVariables(before: { subject?: string; body: string }, after: { subject?: string; body: string }): string[] {
  const read = (t: { subject?: string; body: string }) => {
    try {
      return new Set(checkTemplate({ subject: t.subject ?? 'x', body: t.body }));
    } catch {
      return new Set<string>();
    }
  };
  const kept = read(after);
  return [...read(before)].filter((v) => !kept.has(v));
}
