import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum AiToneEnum {
  FRIENDLY = 'FRIENDLY',
  PROFESSIONAL = 'PROFESSIONAL',
  CASUAL = 'CASUAL',
  CONFIDENT = 'CONFIDENT',
  EMPATHETIC = 'EMPATHETIC',
  DIRECT = 'DIRECT',
  FORMAL = 'FORMAL',
  ENTHUSIASTIC = 'ENTHUSIASTIC',
}
registerEnumType(AiToneEnum, { name: 'AiTone', description: 'How an AI-written email sounds' });

export enum AiEmailLengthEnum {
  SHORT = 'SHORT',
  MEDIUM = 'MEDIUM',
  LONG = 'LONG',
}
registerEnumType(AiEmailLengthEnum, {
  name: 'AiEmailLength',
  valuesMap: { SHORT: { description: '50 to 90 words' }, MEDIUM: { description: '90 to 150 words' }, LONG: { description: '150 to 220 words' } },
});

@ObjectType('AiTokenUsage')
export class AiTokenUsageModel {
  @Field(() => Int)
  promptTokens!: number;

  @Field(() => Int)
  completionTokens!: number;

  @Field(() => Int)
  totalTokens!: number;
}

/** What every AI answer says about itself. */
@ObjectType({ isAbstract: true })
export abstract class AiAnswerModel {
  @Field(() => ID, { description: 'The recorded generation (AiDraftGenerated)' })
  draftId!: string;

  @Field({ description: 'Answered by the offline generator (no OPENAI_API_KEY): fixed English templates and rules, not a language model' })
  offline!: boolean;

  @Field({ description: 'Served from the cache of identical requests of the last minutes: no tokens spent' })
  cached!: boolean;

  @Field({ description: 'The model that answered, or "offline"' })
  model!: string;

  @Field({ description: 'The prompt (or offline rule set) and its version, e.g. generate-email@1' })
  promptVersion!: string;

  @Field(() => AiTokenUsageModel, { description: 'Tokens this answer spent (0 when offline or cached)' })
  usage!: AiTokenUsageModel;

  @Field(() => [String], { description: 'What to know about this answer: a language the offline generator lacks, dropped suggestions...' })
  warnings!: string[];
}

@ObjectType('EmailDraft', { description: 'A subject and body that work as a template: variables where personal details belong' })
export class EmailDraftModel extends AiAnswerModel {
  @Field()
  subject!: string;

  @Field()
  body!: string;

  @Field(() => [String], { description: 'Template variables the draft reads' })
  variables!: string[];

  @Field(() => [String], { description: 'Facts about the lead the draft relies on' })
  personalization!: string[];
}

@ObjectType('ImprovedEmail')
export class ImprovedEmailModel extends AiAnswerModel {
  @Field()
  subject!: string;

  @Field()
  body!: string;

  @Field(() => [String])
  variables!: string[];

  @Field(() => [String], { description: 'One line per change made' })
  changes!: string[];
}

@ObjectType('ToneAdjustedEmail')
export class ToneAdjustedEmailModel extends AiAnswerModel {
  @Field()
  body!: string;

  @Field(() => [String])
  variables!: string[];
}

@ObjectType('SubjectLineSuggestions')
export class SubjectLinesModel extends AiAnswerModel {
  @Field(() => [String], { description: 'Best first' })
  subjectLines!: string[];
}

@ObjectType('GrammarCorrection', { description: 'Replace `length` characters at `offset` (JavaScript string indices, UTF-16 code units) of the text, which read `original`, with `suggestion`' })
export class GrammarCorrectionModel {
  @Field(() => Int)
  offset!: number;

  @Field(() => Int)
  length!: number;

  @Field()
  original!: string;

  @Field()
  suggestion!: string;

  @Field()
  reason!: string;
}

@ObjectType('GrammarCheck')
export class GrammarCheckModel extends AiAnswerModel {
  @Field(() => [GrammarCorrectionModel], { description: 'In text order, never overlapping, each checked against the text' })
  corrections!: GrammarCorrectionModel[];

  @Field({ description: 'The text with every correction applied' })
  correctedText!: string;
}

@ObjectType('Icebreaker')
export class IcebreakerModel extends AiAnswerModel {
  @Field({ description: 'One or two opening sentences for an email to the lead' })
  icebreaker!: string;
}
