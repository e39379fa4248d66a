import { checkTemplate, renderEmail } from '@app/domain';
import { AiRequest, GenerateEmailRequest, LeadContext } from '../ai.types';
import { Copilot } from '../copilot';

const copilot = new Copilot(null);
const lead: LeadContext = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  company: 'Initech',
  title: 'Head of Operations',
  customFields: { industry: 'Logistics', researchNotes: 'Initech opened a second depot in Leipzig in October. They are hiring 40 drivers.' },
};
const workspace = { companyName: 'Acme Routing', productDescription: 'Acme Routing plans delivery routes for fleets of 10 to 500 vans. It integrates with any TMS.' };
const generate = (over: Partial<GenerateEmailRequest> = {}): GenerateEmailRequest => ({
  kind: 'GENERATE_EMAIL',
  goal: 'Book a 20-minute demo.',
  tone: 'FRIENDLY',
  length: 'MEDIUM',
  language: 'en',
  lead,
  campaign: { name: 'Q4 logistics' },
  workspace,
  sender: { name: 'Sam' },
  ...over,
});
const run = async <R extends AiRequest>(request: R) => (await copilot.prepare(request).run()).generation;

describe('the offline generator drafting an email', () => {
  it('answers offline, for free, and says so', async () => {
    const prepared = copilot.prepare(generate());
    expect(prepared).toMatchObject({ offline: true, model: 'offline', promptVersion: 'offline-generate-email@1', cacheKey: null });
    const { generation, answer } = await prepared.run();
    expect(generation).toMatchObject({ offline: true, model: 'offline', promptVersion: 'offline-generate-email@1', usage: { promptTokens: 0, completionTokens: 0 } });
    expect(answer).toBeNull();
  });

  it('gives the same draft for the same request, every time', async () => {
    expect(await run(generate())).toEqual(await run(generate()));
  });

  it("grounds the draft in the lead's research notes and the product, through template variables", async () => {
    const { result } = await run(generate());
    expect(result.body).toContain('Initech opened a second depot in Leipzig in October.');
    expect(result.body).toContain('Acme Routing plans delivery routes for fleets of 10 to 500 vans.');
    expect(result.body).toContain('book a 20-minute demo');
    expect(result.body).toMatch(/^Hi \{\{ firstName \| default: "there" \}\},/);
    expect(result.body).toMatch(/\{\{senderName\}\}$/);
    expect(result.personalization).toEqual(['research note (researchNotes)']);
    expect(result.variables).toEqual(checkTemplate(result));
  });

  it('uses a custom field, with a default, when there are no research notes', async () => {
    const { result } = await run(generate({ lead: { ...lead, customFields: { industry: 'Logistics' } } }));
    expect(result.body).toContain('{{ industry | default: "your industry" }}');
    expect(result.personalization).toEqual(['custom field industry']);
  });

  it('renders as a template for a lead it knows nothing about', async () => {
    const { result } = await run(generate());
    const rendered = renderEmail(result, { senderName: 'Sam', email: 'x@example.com' });
    expect(rendered).toMatchObject({ ok: true, email: { bodyText: expect.stringMatching(/^Hi there,/) } });
  });

  it('grows with the length asked for', async () => {
    const words = async (length: GenerateEmailRequest['length']) => (await run(generate({ length }))).result.body.split(/\s+/).length;
    const [short, medium, long] = [await words('SHORT'), await words('MEDIUM'), await words('LONG')];
    expect(short).toBeLessThan(medium);
    expect(medium).toBeLessThan(long);
  });

  it('follows the tone in greeting, call to action and sign-off', async () => {
    const { result } = await run(generate({ tone: 'FORMAL' }));
    expect(result.body).toMatch(/^Dear /);
    expect(result.body).toContain('Kind regards,\n{{senderName}}');
  });

  it('warns that it writes English only, and that the product description is missing', async () => {
    const { warnings } = await run(generate({ language: 'de', workspace: {} }));
    expect(warnings).toEqual([expect.stringContaining('English only, not "de"'), expect.stringContaining('no product description')]);
  });
});

describe('the offline generator on the other operations', () => {
  const body = "Hi {{firstName}},\n\nI hope this email finds you well. I just wanted to reach out because I'm sure route planning  is a pain.\n\nLet me know!!\n\nThanks,\nSam";

  it('improves a draft with fixed rules, says what it changed, and keeps its variables', async () => {
    const { result, warnings } = await run({ kind: 'IMPROVE_EMAIL', subject: 'Re: routing!!', body, instructions: 'more formal please', workspace });
    expect(result.subject).toBe('Routing!');
    expect(result.body).not.toContain('finds you well');
    expect(result.body).toContain('I wanted to reach out because I am sure route planning is a pain.');
    expect(result.body).toMatch(/^Dear \{\{ firstName \| default: "there" \}\},/);
    expect(result.changes).toEqual(expect.arrayContaining(['removed the "hope this finds you well" opener', 'made the wording formal']));
    expect(result.variables).toEqual(['firstName']);
    expect(warnings[0]).toMatch(/cannot follow free-form instructions/);
  });

  it.each([
    ['FORMAL', /^Dear [\s\S]*I am sure[\s\S]*Kind regards,/],
    ['CASUAL', /^Hey [\s\S]*I'm sure[\s\S]*Cheers,/],
    ['DIRECT', /^Hi (?![\s\S]*finds you well)[\s\S]*I wanted to reach out/],
    ['EMPATHETIC', /I know your inbox is busy/],
  ] as const)('adjusts the tone to %s', async (tone, expected) => {
    const { result } = await run({ kind: 'ADJUST_TONE', body, tone });
    expect(result.body).toMatch(expected);
    expect(result.body).toContain('{{ firstName | default: "there" }}');
  });

  it('writes the number of distinct subject lines asked for, around what the body is about', async () => {
    const routing = 'Hi {{firstName}},\n\nOur routing engine plans routes overnight. Better routing means fewer miles.\n\n{{senderName}}';
    const { result } = await run({ kind: 'SUBJECT_LINES', body: routing, count: 4 });
    expect(result.subjectLines).toHaveLength(4);
    expect(new Set(result.subjectLines).size).toBe(4);
    expect(result.subjectLines.join(' ').toLowerCase()).toContain('routing');
    for (const subject of result.subjectLines) expect(() => checkTemplate({ subject, body: 'x' })).not.toThrow();
  });

  it('finds common English mistakes at positions that quote the text, leaving template tags alone', async () => {
    const text = 'teh team will recieve the the report tomorow. i think  it is an good idea , right? See {{ firstName | default: "teh" }}.';
    const { result } = await run({ kind: 'CHECK_GRAMMAR', text, language: 'en' });
    for (const c of result.corrections) expect(text.slice(c.offset, c.offset + c.length)).toBe(c.original);
    expect(result.corrections.map((c) => [c.original, c.suggestion])).toEqual([
      ['teh', 'The'],
      ['recieve', 'receive'],
      ['the the', 'the'],
      ['tomorow', 'tomorrow'],
      ['i', 'I'],
      ['  ', ' '],
      ['an good', 'a good'],
      [' ,', ','],
    ]);
    expect(result.correctedText).toBe('The team will receive the report tomorrow. I think it is a good idea, right? See {{ firstName | default: "teh" }}.');
  });

  it('opens with what the research notes say about the lead', async () => {
    const { result } = await run({ kind: 'ICEBREAKER', lead, workspace, language: 'en' });
    expect(result.icebreaker).toBe('Something I noticed about {{ company | default: "your team" }}: Initech opened a second depot in Leipzig in October.');
  });

  it('opens honestly, without invented facts, when it knows only the role', async () => {
    const { result } = await run({ kind: 'ICEBREAKER', lead: { title: 'CFO', company: 'Globex', customFields: {} }, workspace, language: 'en' });
    expect(result.icebreaker).toBe('As {{ title | default: "your role" }} at {{ company | default: "your team" }}, you probably hear from people like me a lot, so I will keep this brief.');
  });
});
