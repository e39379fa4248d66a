import { renderEmail } from '@app/domain';
import { AnswerRejected } from '../ai.errors';
import { leadData, normaliseLanguage } from './lead-facts';
import { checkDraft, droppedVariables, withDefaults } from './template-drafts';

const lead = { firstName: 'Ada', customFields: { industry: 'Logistics' } };

describe('a draft as a template', () => {
  it('gets defaults for standard variables a lead may lack, so it renders for every lead', () => {
    const body = withDefaults('Hi {{firstName}}, how is {{ company }}? {{ title | upcase }} {{senderName}}');
    expect(body).toBe('Hi {{ firstName | default: "there" }}, how is {{ company | default: "your team" }}? {{ title | upcase }} {{senderName}}');
    const rendered = renderEmail({ subject: 's', body }, { senderName: 'Sam', title: 'cto' });
    expect(rendered).toMatchObject({ ok: true, email: { bodyText: 'Hi there, how is your team? CTO Sam' } });
  });

  it('returns the variables it reads when it parses and renders for the lead', () => {
    expect(checkDraft({ subject: 'Hi {{ firstName | default: "there" }}', body: 'In {{ industry | default: "your industry" }}.\n\n{{senderName}}' }, lead, 'Sam')).toEqual(['firstName', 'industry', 'senderName']);
  });

  it.each([
    ['a custom field without a default', { subject: 'Hi', body: 'In {{ industry }}' }, /uses \{\{industry\}\}, which is not a known variable/],
    ['an unknown variable', { subject: 'Hi', body: 'From {{ myCompany }}' }, /myCompany/],
    ['Liquid that does not parse', { subject: 'Hi', body: 'Hi {{ firstName ' }, /does not parse/],
    ['a placeholder left for the rep', { subject: 'Hi', body: 'Hi [First Name], greetings from [Company]' }, /"\[First Name\]" is a placeholder/],
    ['a subject on two lines', { subject: 'Hi\nthere', body: 'x' }, /single line/],
    ['an empty body', { subject: 'Hi', body: '  ' }, /body is empty/],
  ])('is rejected (for the model to fix) with %s', (_what, draft, message) => {
    expect(() => checkDraft(draft, lead)).toThrow(AnswerRejected);
    expect(() => checkDraft(draft, lead)).toThrow(message);
  });

  it('names the variables a rewrite dropped', () => {
    expect(droppedVariables({ body: 'Hi {{firstName}} at {{company}}' }, { body: 'Hi {{firstName}}' })).toEqual(['company']);
  });
});

describe("a lead's facts for a prompt", () => {
  it('puts research notes apart and leaves out the email address', () => {
    const { data } = leadData({ firstName: 'Ada', company: 'Initech', customFields: { researchNotes: 'Hiring drivers.', industry: 'Logistics', linkedinAbout: 'Ops leader' } });
    expect(data).toEqual({ firstName: 'Ada', company: 'Initech', researchNotes: { linkedinAbout: 'Ops leader', researchNotes: 'Hiring drivers.' }, customFields: { industry: 'Logistics' } });
    expect(JSON.stringify(data)).not.toContain('@');
  });

  it('keeps a prompt short: research first, what does not fit is named', () => {
    const customFields = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`field${i}`, 'x'.repeat(1500)]));
    const { data, omitted } = leadData({ customFields: { ...customFields, notes: 'y'.repeat(1500) } });
    expect(Object.keys(data.researchNotes)).toEqual(['notes']);
    expect(Object.keys(data.customFields)).toHaveLength(4);
    expect(omitted).toEqual(['field4', 'field5', 'field6', 'field7']);
  });

  it('normalises language tags and refuses what is not one', () => {
    expect(normaliseLanguage(' de-ch ')).toBe('de-CH');
    expect(() => normaliseLanguage('english please')).toThrow('not a BCP 47 language tag');
  });
});
