import { AiDraftKind } from '@app/events';

export const AiTones = ['FRIENDLY', 'PROFESSIONAL', 'CASUAL', 'CONFIDENT', 'EMPATHETIC', 'DIRECT', 'FORMAL', 'ENTHUSIASTIC'] as const;
export type AiTone = (typeof AiTones)[number];

export const AiLengths = ['SHORT', 'MEDIUM', 'LONG'] as const;
export type AiLength = (typeof AiLengths)[number];

/**
 * What the copilot may know of a lead. The email address is left out on purpose: a draft never
 * needs it, so it is never sent to the model (data minimisation).
 */
export type LeadContext = {
  firstName?: string;
  lastName?: string;
  company?: string;
  title?: string;
  customFields: Readonly<Record<string, string>>;
};

/** The sending workspace, in its own words (its profile). */
export type WorkspaceContext = { companyName?: string; productDescription?: string; website?: string };

/** Who asks: signs the email (as {{senderName}}). */
export type SenderContext = { name?: string };

export type CampaignContext = { name: string };

export type GenerateEmailRequest = {
  kind: 'GENERATE_EMAIL';
  goal: string;
  tone: AiTone;
  length: AiLength;
  /** BCP 47 tag, e.g. en, de-CH. */
  language: string;
  lead: LeadContext | null;
  campaign: CampaignContext | null;
  workspace: WorkspaceContext;
  sender: SenderContext;
};
export type ImproveEmailRequest = { kind: 'IMPROVE_EMAIL'; subject: string; body: string; instructions: string; workspace: WorkspaceContext };
export type AdjustToneRequest = { kind: 'ADJUST_TONE'; body: string; tone: AiTone };
export type SubjectLinesRequest = { kind: 'SUBJECT_LINES'; body: string; count: number };
export type CheckGrammarRequest = { kind: 'CHECK_GRAMMAR'; text: string; language: string };
export type IcebreakerRequest = { kind: 'ICEBREAKER'; lead: LeadContext; workspace: WorkspaceContext; language: string };

/** One request to the copilot; `kind` is the kind recorded in AiDraftGenerated. */
export type AiRequest = GenerateEmailRequest | ImproveEmailRequest | AdjustToneRequest | SubjectLinesRequest | CheckGrammarRequest | IcebreakerRequest;
export type AiRequestOf<K extends AiDraftKind> = Extract<AiRequest, { kind: K }>;

/** A subject and body that work as a template: `variables` are the ones they read. */
export type EmailDraft = { subject: string; body: string; variables: string[]; personalization: string[] };
export type ImprovedEmail = { subject: string; body: string; variables: string[]; changes: string[] };
export type ToneAdjusted = { body: string; variables: string[] };
export type SubjectLines = { subjectLines: string[] };
/** A correction of `length` UTF-16 code units at `offset` (JavaScript string indices) of the text. */
export type GrammarCorrection = { offset: number; length: number; original: string; suggestion: string; reason: string };
export type GrammarCheck = { corrections: GrammarCorrection[]; correctedText: string };
export type Icebreaker = { icebreaker: string };

export type AiResults = {
  GENERATE_EMAIL: EmailDraft;
  IMPROVE_EMAIL: ImprovedEmail;
  ADJUST_TONE: ToneAdjusted;
  SUBJECT_LINES: SubjectLines;
  CHECK_GRAMMAR: GrammarCheck;
  ICEBREAKER: Icebreaker;
};

export type TokenUsage = { promptTokens: number; completionTokens: number };

/** What one generation produced, and what it cost. */
export type Generation<R> = {
  result: R;
  /** The model that answered (as the provider names it), or "offline". */
  model: string;
  /** Which prompt file (or offline rule set) produced it, e.g. generate-email@1. */
  promptVersion: string;
  offline: boolean;
  usage: TokenUsage;
  /** Things the caller should know: dropped corrections, a language the offline generator lacks... */
  warnings: string[];
};
