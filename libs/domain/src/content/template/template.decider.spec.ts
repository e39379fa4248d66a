import { TemplateEvent } from '@app/events';
import { InvalidTemplate, TemplateAlreadyExists, TemplateCommand, TemplateNotFound, TemplateSyntaxError, UnknownTemplateVariable, templateDecider } from '@app/domain';
import { DAY, deciderSpec, fixedClock, idFactory } from '@app/testing';

const clock = fixedClock();
const id = idFactory();
const workspaceId = id('workspace');
const templateId = id('template');

const spec = deciderSpec(templateDecider);

type CreateTemplate = Extract<TemplateCommand, { type: 'CreateTemplate' }>;
const createTemplate = (over: Partial<CreateTemplate> = {}): CreateTemplate => ({
  type: 'CreateTemplate',
  templateId,
  workspaceId,
  name: 'Intro',
  subject: 'Quick question, {{ firstName | default: "there" }}',
  body: 'Hi {{firstName}},\n\nHow is {{company}} handling {{ pain_point | default: "outbound" }}?',
  category: 'COLD_OUTREACH',
  now: clock.now,
  ...over,
});

const created: TemplateEvent = {
  type: 'TemplateCreated',
  data: {
    templateId,
    workspaceId,
    name: 'Intro',
    subject: 'Quick question, {{ firstName | default: "there" }}',
    body: 'Hi {{firstName}},\n\nHow is {{company}} handling {{ pain_point | default: "outbound" }}?',
    category: 'COLD_OUTREACH',
    variables: ['company', 'firstName', 'pain_point'],
    createdAt: clock.now,
  },
};
const revisedAt = clock.plus(DAY);

describe('creating a template', () => {
  it('records it with the variables it reads, sorted', () => {
    spec.given([]).when(createTemplate({ name: ' Intro ' })).then([created]);
  });

  it('refuses an unknown variable without a default, naming the variable and the part', () => {
    spec
      .given([])
      .when(createTemplate({ body: 'Hi {{firstName}}, congrats on {{ funding_round }}!' }))
      .thenThrows(UnknownTemplateVariable, 'The template body uses {{funding_round}}, which is not a known variable');
    spec.given([]).when(createTemplate({ subject: 'About {{ deal }}' })).thenThrows(UnknownTemplateVariable, /template subject uses \{\{deal\}\}/);
  });

  it('accepts a custom field that has a default', () => {
    spec
      .given([])
      .when(createTemplate({ subject: 'Hi', body: 'Your {{ plan | default: "current plan" }}' }))
      .then([{ type: 'TemplateCreated', data: { ...created.data, subject: 'Hi', body: 'Your {{ plan | default: "current plan" }}', variables: ['plan'] } }]);
  });

  it('refuses a template that does not parse', () => {
    spec.given([]).when(createTemplate({ body: 'Hi {{ firstName' })).thenThrows(TemplateSyntaxError, 'The template body does not parse');
  });

  it('refuses partials: a template cannot read files', () => {
    spec.given([]).when(createTemplate({ body: "{% include 'secrets' %}" })).thenThrows(TemplateSyntaxError);
  });

  it('refuses a subject on several lines', () => {
    spec.given([]).when(createTemplate({ subject: 'Hi\nthere' })).thenThrows(InvalidTemplate, 'single line');
  });

  it.each([
    ['name', { name: '  ' }, /name/],
    ['subject', { subject: ' ' }, /subject/],
    ['body', { body: '\n' }, /body/],
  ] as const)('refuses a blank %s', (_field, over, message) => {
    spec.given([]).when(createTemplate(over)).thenThrows(InvalidTemplate, message);
  });

  it('refuses to create it twice', () => {
    spec.given([created]).when(createTemplate()).thenThrows(TemplateAlreadyExists);
  });
});

describe('revising a template', () => {
  const revise = (subject: string, body: string, now = revisedAt): TemplateCommand => ({ type: 'ReviseTemplate', subject, body, now });
  const revision1: TemplateEvent = {
    type: 'TemplateRevised',
    data: { templateId, revision: 1, subject: 'Still interested, {{ firstName | default: "there" }}?', body: 'Hi {{firstName}}', variables: ['firstName'], revisedAt },
  };

  it('records the new content as revision 1', () => {
    spec.given([created]).when(revise('Still interested, {{ firstName | default: "there" }}?', 'Hi {{firstName}}')).then([revision1]);
  });

  it('numbers the next revision after the last', () => {
    const now = clock.plus(2 * DAY);
    spec
      .given([created, revision1])
      .when(revise('Hello {{firstName}}', 'Hi {{firstName}}', now))
      .then([{ type: 'TemplateRevised', data: { templateId, revision: 2, subject: 'Hello {{firstName}}', body: 'Hi {{firstName}}', variables: ['firstName'], revisedAt: now } }]);
  });

  it('records nothing when the content is unchanged', () => {
    spec.given([created]).when(revise(created.data.subject, created.data.body)).thenNothing();
  });

  it('checks the new content like a new template', () => {
    spec.given([created]).when(revise('Hi', 'About {{ renewal_date }}')).thenThrows(UnknownTemplateVariable, 'renewal_date');
  });

  it('refuses a template that does not exist', () => {
    spec.given([]).when(revise('Hi', 'Hello')).thenThrows(TemplateNotFound);
  });
});
