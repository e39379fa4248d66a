import { AiDraftKind } from '@app/events';
import { checkTemplate } from '@app/domain';
import { z } from 'zod';
import { AnswerRejected } from './ai.errors';
import { AiRequestOf, AiResults, LeadContext, WorkspaceContext } from './ai.types';
import { applyCorrections, placeCorrections } from './grammar/corrections';
import { leadData } from './drafts/lead-facts';
import { availableVariables, checkDraft, droppedVariables, withDefaults } from './drafts/template-drafts';
import { PromptName, dataBlock } from './prompts/prompt-library';

export type Finished<R> = { result: R; warnings: string[] };

/** The model's text is not JSON, or not JSON of the schema: nothing to fix, the answer is unusable. */
export class MalformedAnswer extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'MalformedAnswer';
  }
}

/** One operation as a prompt, a schema for the answer, and the rules the answer must keep. */
export type OnlineTask<K extends AiDraftKind> = {
  prompt: PromptName;
  schemaName: string;
  schema: z.ZodType;
  maxCompletionTokens: number;
  values(request: AiRequestOf<K>): { values: Record<string, string>; warnings: string[] };
  /** Parses and checks the model's JSON text: MalformedAnswer, or AnswerRejected for a broken rule. */
  read(content: string, request: AiRequestOf<K>): Finished<AiResults[K]>;
};

function defineTask<K extends AiDraftKind, Raw>(task: Omit<OnlineTask<K>, 'read' | 'schema'> & { schema: z.ZodType<Raw>; finish(raw: Raw, request: AiRequestOf<K>): Finished<AiResults[K]> }): OnlineTask<K> {
  return {
    prompt: task.prompt,
    schemaName: task.schemaName,
    schema: task.schema,
    maxCompletionTokens: task.maxCompletionTokens,
    values: task.values,
    read(content, request) {
      let json: unknown;
      try {
        json = JSON.parse(content);
      } catch {
        throw new MalformedAnswer(`the answer is not JSON (it starts with ${JSON.stringify(content.slice(0, 40))})`);
      }
      const parsed = task.schema.safeParse(json);
      if (!parsed.success) throw new MalformedAnswer(`the answer does not fit the ${task.schemaName} schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      return task.finish(parsed.data, request);
    },
  };
}

const product = (workspace: WorkspaceContext) => dataBlock(workspace.productDescription?.trim() || null);
const noProductWarning = (workspace: WorkspaceContext) =>
  workspace.productDescription?.trim() ? [] : ['The workspace has no product description: set it with updateWorkspaceProfile so drafts can say what you offer'];

function leadBlock(lead: LeadContext | null): { block: string; warnings: string[] } {
  if (!lead) return { block: dataBlock(null), warnings: [] };
  const { data, omitted } = leadData(lead);
  return { block: dataBlock(data), warnings: omitted.length ? [`Left out of the prompt to keep it short: ${omitted.join(', ')}`] : [] };
}

function variablesLine(lead: LeadContext | null): string {
  const custom = new Set(Object.keys(lead?.customFields ?? {}));
  return availableVariables(lead)
    .map((v) => (custom.has(v) ? `{{ ${v} | default: "..." }} (custom field)` : `{{${v}}}`))
    .join(', ');
}

const clean = (lines: readonly string[]) => lines.map((l) => l.trim()).filter(Boolean);

function keptVariablesWarning(before: { subject?: string; body: string }, after: { subject?: string; body: string }): string[] {
  const dropped = droppedVariables(before, after);
  return dropped.length ? [`The rewrite no longer uses ${dropped.map((v) => `{{${v}}}`).join(', ')}: check that nothing personal was lost`] : [];
}

export const onlineTasks: { [K in AiDraftKind]: OnlineTask<K> } = {
  GENERATE_EMAIL: defineTask({
    prompt: 'generate-email',
    schemaName: 'email_draft',
    schema: z.object({ subject: z.string(), body: z.string(), personalization: z.array(z.string()) }),
    maxCompletionTokens: 1500,
    values(request) {
      const lead = leadBlock(request.lead);
      return {
        values: {
          goal: dataBlock(request.goal),
          tone: request.tone,
          length: request.length,
          language: request.language,
          variables: variablesLine(request.lead),
          sender: dataBlock({ name: request.sender.name ?? null, company: request.workspace.companyName ?? null, website: request.workspace.website ?? null }),
          product: product(request.workspace),
          campaign: dataBlock(request.campaign),
          lead: lead.block,
        },
        warnings: [...noProductWarning(request.workspace), ...lead.warnings],
      };
    },
    finish(raw, request) {
      const draft = { subject: withDefaults(raw.subject.trim()), body: withDefaults(raw.body.trim()) };
      const variables = checkDraft(draft, request.lead, request.sender.name);
      return { result: { ...draft, variables, personalization: clean(raw.personalization) }, warnings: [] };
    },
  }),

  IMPROVE_EMAIL: defineTask({
    prompt: 'improve-email',
    schemaName: 'improved_email',
    schema: z.object({ subject: z.string(), body: z.string(), changes: z.array(z.string()) }),
    maxCompletionTokens: 2000,
    values(request) {
      return {
        values: { instructions: dataBlock(request.instructions.trim() || 'Make it clearer, shorter and easier to answer.'), email: dataBlock({ subject: request.subject, body: request.body }), product: product(request.workspace) },
        warnings: [],
      };
    },
    finish(raw, request) {
      const draft = { subject: withDefaults(raw.subject.trim()), body: withDefaults(raw.body.trim()) };
      const variables = checkDraft(draft, null);
      return { result: { ...draft, variables, changes: clean(raw.changes) }, warnings: keptVariablesWarning(request, draft) };
    },
  }),

  ADJUST_TONE: defineTask({
    prompt: 'adjust-tone',
    schemaName: 'tone_adjusted_email',
    schema: z.object({ body: z.string() }),
    maxCompletionTokens: 2000,
    values(request) {
      return { values: { tone: request.tone, email: dataBlock(request.body) }, warnings: [] };
    },
    finish(raw, request) {
      const body = withDefaults(raw.body.trim());
      const variables = checkDraft({ subject: 'subject', body }, null);
      return { result: { body, variables }, warnings: keptVariablesWarning({ body: request.body }, { body }) };
    },
  }),

  SUBJECT_LINES: defineTask({
    prompt: 'subject-lines',
    schemaName: 'subject_lines',
    schema: z.object({ subjectLines: z.array(z.string()) }),
    maxCompletionTokens: 800,
    values(request) {
      return { values: { count: String(request.count), email: dataBlock(request.body) }, warnings: [] };
    },
    finish(raw, request) {
      const kept: string[] = [];
      let unusable = 0;
      for (const line of raw.subjectLines) {
        const subject = withDefaults(line.trim().replace(/^["'“”‘’]+|["'“”‘’]+$/g, '').trim());
        if (!subject || /[\r\n]/.test(subject) || subject.length > 150 || /^(re|fwd?):/i.test(subject) || kept.includes(subject)) {
          unusable++;
          continue;
        }
        try {
          checkTemplate({ subject, body: 'body' });
        } catch {
          unusable++;
          continue;
        }
        kept.push(subject);
      }
      if (kept.length === 0) throw new AnswerRejected('none of the subject lines is usable: each must be one line under 70 characters, using only known variables');
      const subjectLines = kept.slice(0, request.count);
      const warnings = subjectLines.length < request.count ? [`Only ${subjectLines.length} of the ${request.count} subject lines were usable${unusable ? ` (${unusable} left out)` : ''}`] : [];
      return { result: { subjectLines }, warnings };
    },
  }),

  CHECK_GRAMMAR: defineTask({
    prompt: 'check-grammar',
    schemaName: 'grammar_corrections',
    schema: z.object({ corrections: z.array(z.object({ offset: z.number().int(), original: z.string(), suggestion: z.string(), reason: z.string() })) }),
    maxCompletionTokens: 3000,
    values(request) {
      return { values: { language: request.language, text: dataBlock(request.text) }, warnings: [] };
    },
    finish(raw, request) {
      const { corrections, dropped } = placeCorrections(request.text, raw.corrections);
      const warnings = dropped ? [`${dropped} proposed correction${dropped === 1 ? '' : 's'} did not match the text (or touched a template variable) and ${dropped === 1 ? 'was' : 'were'} left out`] : [];
      return { result: { corrections, correctedText: applyCorrections(request.text, corrections) }, warnings };
    },
  }),

  ICEBREAKER: defineTask({
    prompt: 'icebreaker',
    schemaName: 'icebreaker',
    schema: z.object({ icebreaker: z.string() }),
    maxCompletionTokens: 300,
    values(request) {
      const lead = leadBlock(request.lead);
      return { values: { language: request.language, product: product(request.workspace), lead: lead.block }, warnings: lead.warnings };
    },
    finish(raw, request) {
      const icebreaker = withDefaults(raw.icebreaker.trim().replace(/\s*\n\s*/g, ' '));
      if (!icebreaker) throw new AnswerRejected('the icebreaker is empty');
      if (icebreaker.length > 400) throw new AnswerRejected('the icebreaker is longer than 400 characters: keep it to one or two sentences');
      checkDraft({ subject: 'subject', body: icebreaker }, request.lead);
      return { result: { icebreaker }, warnings: [] };
    },
  }),
};
