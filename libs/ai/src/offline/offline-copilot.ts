import { AiDraftKind } from '@app/events';
import { createHash } from 'node:crypto';
import { AiRequestOf, AiResults, AiTone, GenerateEmailRequest, IcebreakerRequest, LeadContext } from '../ai.types';
import { applyCorrections, placeCorrections } from '../grammar/corrections';
import { isResearchField, primaryLanguage } from '../drafts/lead-facts';
import { checkDraft, droppedVariables, withDefaults } from '../drafts/template-drafts';
import { FILLER_RULES, STOP_WORDS, TONE_RULES, outsideTags, proofread, replacePhrase } from './offline-rules';
import { Finished } from '../online-tasks';

/** Recorded as the model of every offline answer. */
export const OFFLINE_MODEL = 'offline';
/** The rule set's version: a changed rule is a new version, like a prompt file. */
export const OFFLINE_RULES_VERSION = 1;
export const offlinePromptVersion = (kind: AiDraftKind) => `offline-${kind.toLowerCase().replace(/_/g, '-')}@${OFFLINE_RULES_VERSION}`;

const FIRST_NAME = '{{ firstName | default: "there" }}';
const COMPANY = '{{ company | default: "your team" }}';
const TITLE = '{{ title | default: "your role" }}';

/** A stable choice among variants: the same request always picks the same one. */
function pick<T>(variants: readonly T[], ...seed: readonly unknown[]): T {
  const n = createHash('sha256').update(JSON.stringify(seed)).digest().readUInt32BE(0);
  return variants[n % variants.length] as T;
}

function firstSentence(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentence = /^.+?[.!?](?=\s|$)/.exec(flat)?.[0] ?? flat;
  const cut = sentence.length > max ? `${sentence.slice(0, max).replace(/\s+\S*$/, '')}…` : sentence;
  return /[.!?…]$/.test(cut) ? cut : `${cut}.`;
}

const englishOnly = (language: string) =>
  primaryLanguage(language) === 'en' ? [] : [`The offline generator writes English only, not "${language}": set OPENAI_API_KEY to draft in other languages`];

function researchNote(lead: LeadContext | null): { field: string; text: string } | null {
  const entry = Object.entries(lead?.customFields ?? {})
    .filter(([name, value]) => isResearchField(name) && value.trim())
    .sort(([a], [b]) => a.localeCompare(b))[0];
  return entry ? { field: entry[0], text: firstSentence(entry[1]) } : null;
}

const industryField = (lead: LeadContext | null) => Object.keys(lead?.customFields ?? {}).find((name) => /^(industry|sector|vertical)$/i.test(name) && lead?.customFields[name]?.trim());

const GREETINGS: Record<AiTone, string> = {
  FRIENDLY: `Hi ${FIRST_NAME},`,
  PROFESSIONAL: `Hello ${FIRST_NAME},`,
  CASUAL: `Hey ${FIRST_NAME},`,
  CONFIDENT: `Hi ${FIRST_NAME},`,
  EMPATHETIC: `Hi ${FIRST_NAME},`,
  DIRECT: `Hi ${FIRST_NAME},`,
  FORMAL: `Dear ${FIRST_NAME},`,
  ENTHUSIASTIC: `Hi ${FIRST_NAME},`,
};
const SIGN_OFFS: Record<AiTone, string> = {
  FRIENDLY: 'Best,',
  PROFESSIONAL: 'Best regards,',
  CASUAL: 'Cheers,',
  CONFIDENT: 'Best,',
  EMPATHETIC: 'Warm regards,',
  DIRECT: 'Best,',
  FORMAL: 'Kind regards,',
  ENTHUSIASTIC: 'All the best,',
};
const CALLS_TO_ACTION: Record<AiTone, string> = {
  FRIENDLY: 'Would you be up for a quick chat next week?',
  PROFESSIONAL: 'Would you be open to a short call next week?',
  CASUAL: 'Worth a quick call next week?',
  CONFIDENT: 'Let us find a slot next week: which day works for you?',
  EMPATHETIC: 'If it would help, could we take a few minutes next week to see whether it fits?',
  DIRECT: 'Do you have time next week?',
  FORMAL: 'Would you be available for a short call next week?',
  ENTHUSIASTIC: 'Could we find a slot next week? I think you will like what you see!',
};

function opener(request: GenerateEmailRequest | IcebreakerRequest, personalization: string[]): string {
  const lead = request.lead;
  const note = researchNote(lead);
  if (note) {
    personalization.push(`research note (${note.field})`);
    return `Something I noticed about ${COMPANY}: ${note.text}`;
  }
  const industry = industryField(lead);
  if (industry) {
    personalization.push(`custom field ${industry}`);
    return `Since ${COMPANY} works in {{ ${industry} | default: "your industry" }}, I thought this might be relevant.`;
  }
  if (lead?.title && lead.company) {
    personalization.push('title and company');
    return `As ${TITLE} at ${COMPANY}, you probably hear from people like me a lot, so I will keep this brief.`;
  }
  if (lead?.company) {
    personalization.push('company');
    return `I looked at what ${COMPANY} does and had one idea worth a minute of your time.`;
  }
  return 'I will keep this short: one idea, one question.';
}

function generateEmail(request: GenerateEmailRequest): Finished<AiResults['GENERATE_EMAIL']> {
  const personalization: string[] = [];
  const warnings = [...englishOnly(request.language)];
  const seller = request.workspace.companyName?.trim();
  const product = request.workspace.productDescription?.trim();
  const paragraphs = [GREETINGS[request.tone], opener(request, personalization)];
  if (request.length !== 'SHORT') {
    if (product) paragraphs.push(`A quick word on what we do${seller ? ` at ${seller}` : ''}: ${firstSentence(product, 240)}`);
    else warnings.push('The workspace has no product description: set it with updateWorkspaceProfile so drafts can say what you offer');
  }
  const goal = request.goal.trim().replace(/[.!?]+$/, '');
  paragraphs.push(`The reason for my note: ${goal.charAt(0).toLowerCase()}${goal.slice(1)}. ${CALLS_TO_ACTION[request.tone]}`);
  if (request.length === 'LONG') {
    if (request.campaign) paragraphs.push(`This is part of our "${request.campaign.name}" outreach, so you may hear from me once more; a one-line reply is plenty either way.`);
    paragraphs.push('If this is not a priority right now, just let me know and I will not follow up.');
  }
  paragraphs.push(`${SIGN_OFFS[request.tone]}\n{{senderName}}`);
  const subject = pick(
    [`Quick question, ${FIRST_NAME}`, `An idea for ${COMPANY}`, seller ? `${seller} x ${COMPANY}` : `A thought for ${COMPANY}`, `${FIRST_NAME}, worth a quick chat?`],
    request.goal,
    request.tone,
    request.lead?.company ?? null,
  );
  const draft = { subject, body: paragraphs.join('\n\n') };
  const variables = checkDraft(draft, request.lead, request.sender.name);
  return { result: { ...draft, variables, personalization }, warnings };
}

function applyRules(text: string, rules: readonly { pattern: RegExp; replacement: string }[]): string {
  return outsideTags(text, (plain) => rules.reduce((out, r) => replacePhrase(out, r.pattern, r.replacement), plain));
}

function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/!{2,}/g, '!')
    .replace(/(^|\n)([a-z])/g, (_all, start: string, letter: string) => start + letter.toUpperCase())
    .trim();
}

const TONE_WORDS: readonly [RegExp, AiTone][] = [
  [/formal/i, 'FORMAL'],
  [/professional/i, 'PROFESSIONAL'],
  [/casual|relaxed/i, 'CASUAL'],
  [/friendl|warm/i, 'FRIENDLY'],
  [/confident|assertive/i, 'CONFIDENT'],
  [/direct|concise|short|brief|to the point/i, 'DIRECT'],
  [/empath/i, 'EMPATHETIC'],
  [/enthusias|excit|energetic/i, 'ENTHUSIASTIC'],
];

function improveEmail(request: AiRequestOf<'IMPROVE_EMAIL'>): Finished<AiResults['IMPROVE_EMAIL']> {
  const changes: string[] = [];
  let body = request.body;
  for (const r of FILLER_RULES) {
    const next = applyRules(body, [r]);
    if (next !== body) changes.push(r.change);
    body = next;
  }
  const tone = TONE_WORDS.find(([pattern]) => pattern.test(request.instructions))?.[1];
  if (tone) {
    const next = applyRules(body, TONE_RULES[tone]);
    if (next !== body) changes.push(`made the wording ${tone.toLowerCase()}`);
    body = next;
  }
  const tidied = tidy(body);
  if (tidied !== body) changes.push('tidied spacing and capital letters');
  body = withDefaults(tidied);
  let subject = withDefaults(
    request.subject
      .replace(/^\s*((re|fwd?):\s*)+/i, '')
      .replace(/!{2,}/g, '!')
      .replace(/\.$/, '')
      .trim(),
  );
  if (!subject) subject = `Quick question, ${FIRST_NAME}`;
  subject = subject.charAt(0).toUpperCase() + subject.slice(1);
  if (subject !== request.subject.trim()) changes.push('cleaned up the subject line');
  const draft = { subject, body };
  const variables = checkDraft(draft, null);
  const dropped = droppedVariables(request, draft);
  const warnings = ['The offline generator applies fixed clean-up rules and cannot follow free-form instructions: set OPENAI_API_KEY for real rewrites'];
  if (dropped.length) warnings.push(`The rewrite no longer uses ${dropped.map((v) => `{{${v}}}`).join(', ')}`);
  return { result: { ...draft, variables, changes: changes.length ? changes : ['no changes: the offline rules found nothing to improve'] }, warnings };
}

function adjustTone(request: AiRequestOf<'ADJUST_TONE'>): Finished<AiResults['ADJUST_TONE']> {
  let body = applyRules(request.body, TONE_RULES[request.tone]);
  if (request.tone === 'EMPATHETIC' && !/busy|inbox|brief/i.test(body)) {
    body = body.replace(/^([^\n]*,)\n\n/, `$1\n\nI know your inbox is busy, so I will keep this brief.\n\n`);
  }
  if (request.tone === 'ENTHUSIASTIC' && !body.includes('!')) {
    body = body.replace(/^([^\n]*,)\n\n([^\n]*?)\.(\s)/, '$1\n\n$2!$3');
  }
  body = withDefaults(tidy(body));
  const variables = checkDraft({ subject: 'subject', body }, null);
  const warnings = ['The offline generator swaps set phrases for the tone; set OPENAI_API_KEY for a real rewrite'];
  const dropped = droppedVariables({ body: request.body }, { body });
  if (dropped.length) warnings.push(`The rewrite no longer uses ${dropped.map((v) => `{{${v}}}`).join(', ')}`);
  return { result: { body, variables }, warnings };
}

/** The words a body is about, most frequent first (ties: first seen). */
function topics(body: string): string[] {
  const plain = applyRules(body, FILLER_RULES).replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, ' ').replace(/<[^>]+>/g, ' ').replace(/https?:\/\/\S+/g, ' ');
  const counts = new Map<string, { n: number; first: number }>();
  for (const m of plain.toLowerCase().matchAll(/[a-z][a-z-]{3,}/g)) {
    if (STOP_WORDS.has(m[0])) continue;
    const known = counts.get(m[0]);
    counts.set(m[0], { n: (known?.n ?? 0) + 1, first: known?.first ?? m.index });
  }
  return [...counts.entries()].sort((a, b) => b[1].n - a[1].n || a[1].first - b[1].first).map(([word]) => word);
}

function subjectLines(request: AiRequestOf<'SUBJECT_LINES'>): Finished<AiResults['SUBJECT_LINES']> {
  const [first, second] = topics(request.body);
  const topic = first ?? 'your outreach';
  const Topic = topic.charAt(0).toUpperCase() + topic.slice(1);
  const candidates = [
    `Quick question, ${FIRST_NAME}`,
    `An idea for ${COMPANY}`,
    `${Topic} at ${COMPANY}`,
    `${Topic}: worth a look?`,
    `A thought on ${topic}`,
    `15 minutes on ${topic}?`,
    second ? `${Topic} and ${second}` : `Rethinking ${topic}`,
    `${Topic} for ${COMPANY}`,
    `Is ${topic} on your list this quarter?`,
    `One idea on ${topic}`,
  ];
  const unique = [...new Set(candidates)];
  const start = unique.indexOf(pick(unique, request.body));
  const rotated = [...unique.slice(start), ...unique.slice(0, start)];
  const lines = rotated.slice(0, request.count);
  const warnings = lines.length < request.count ? [`The offline generator has ${lines.length} subject line patterns; set OPENAI_API_KEY for more`] : [];
  return { result: { subjectLines: lines }, warnings };
}

function checkGrammar(request: AiRequestOf<'CHECK_GRAMMAR'>): Finished<AiResults['CHECK_GRAMMAR']> {
  const english = primaryLanguage(request.language) === 'en';
  const { corrections } = placeCorrections(request.text, english ? proofread(request.text) : []);
  const warnings = english
    ? ['The offline checker knows common English mistakes only; set OPENAI_API_KEY for a full proofread']
    : [`The offline checker proofreads English only, not "${request.language}": set OPENAI_API_KEY`];
  return { result: { corrections, correctedText: applyCorrections(request.text, corrections) }, warnings };
}

function icebreaker(request: IcebreakerRequest): Finished<AiResults['ICEBREAKER']> {
  const line = opener(request, []);
  checkDraft({ subject: 'subject', body: line }, request.lead);
  return { result: { icebreaker: line }, warnings: englishOnly(request.language) };
}

/**
 * The copilot without a network: the same operations, answered by fixed English templates and
 * rules from the lead's fields and the workspace profile. Deterministic: the same request gives
 * the same answer, so the embedded default is testable and honest about what it is.
 */
export const offlineCopilot: { [K in AiDraftKind]: (request: AiRequestOf<K>) => Finished<AiResults[K]> } = {
  GENERATE_EMAIL: generateEmail,
  IMPROVE_EMAIL: improveEmail,
  ADJUST_TONE: adjustTone,
  SUBJECT_LINES: subjectLines,
  CHECK_GRAMMAR: checkGrammar,
  ICEBREAKER: icebreaker,
};
