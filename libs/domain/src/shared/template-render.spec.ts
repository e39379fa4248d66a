import { STANDARD_VARIABLES, TemplateSyntaxError, UnknownTemplateVariable, checkTemplate, renderEmail } from '@app/domain';

const ada = { firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines', email: 'ada@example.com' };

describe('checking a template', () => {
  it('returns the variables it reads, sorted and once each', () => {
    expect(checkTemplate({ subject: '{{company}} x {{firstName}}', body: 'Hi {{firstName}}, re {{ deal_stage | default: "your plans" }}' })).toEqual([
      'company',
      'deal_stage',
      'firstName',
    ]);
  });

  it('accepts every standard variable without a default', () => {
    const body = STANDARD_VARIABLES.map((v) => `{{${v}}}`).join(' ');
    expect(checkTemplate({ subject: 'Hi', body })).toEqual([...STANDARD_VARIABLES].sort());
  });

  it('accepts a custom field tested by an if', () => {
    expect(checkTemplate({ subject: 'Hi', body: '{% if referrer %}{{ referrer | default: "" }} sent me{% endif %}' })).toEqual(['referrer']);
  });

  it('rejects a custom field without a default, naming it and suggesting a default', () => {
    const check = () => checkTemplate({ subject: 'Hi {{firstName}}', body: 'Loved your talk at {{ conference }}' });
    expect(check).toThrow(UnknownTemplateVariable);
    expect(check).toThrow('The template body uses {{conference}}, which is not a known variable');
    expect(check).toThrow('{{ conference | default: "..." }}');
  });

  it('names the subject when the subject is at fault', () => {
    expect(() => checkTemplate({ subject: 'Re: {{ ticket }}', body: 'Hi' })).toThrow('The template subject uses {{ticket}}');
  });

  it('rejects an unknown filter and bad syntax as syntax errors', () => {
    expect(() => checkTemplate({ subject: 'Hi', body: '{{ firstName | shout }}' })).toThrow(TemplateSyntaxError);
    expect(() => checkTemplate({ subject: 'Hi', body: '{% if firstName %}unclosed' })).toThrow('The template body does not parse');
  });

  it('rejects partials', () => {
    expect(() => checkTemplate({ subject: 'Hi', body: "{% render 'footer' %}" })).toThrow(TemplateSyntaxError);
  });
});

describe('rendering a plain-text template', () => {
  const template = { subject: 'Quick   question,\t{{firstName}}', body: 'Hi {{firstName}},\nsee https://example.com/a and https://example.org/b.\n\nCheers <3' };

  it('fills in the variables and collapses whitespace in the subject', () => {
    const outcome = renderEmail(template, ada);
    expect(outcome).toEqual({
      ok: true,
      email: {
        subject: 'Quick question, Ada',
        bodyText: 'Hi Ada,\nsee https://example.com/a and https://example.org/b.\n\nCheers <3',
        bodyHtml:
          '<p>Hi Ada,<br>see <a href="https://example.com/a">https://example.com/a</a> and <a href="https://example.org/b">https://example.org/b</a>.</p>\n' +
          '<p>Cheers &lt;3</p>',
        links: [
          { index: 0, url: 'https://example.com/a' },
          { index: 1, url: 'https://example.org/b' },
        ],
      },
    });
  });

  it('escapes lead values in the HTML part it builds', () => {
    const outcome = renderEmail({ subject: 'Hi', body: 'Hi {{firstName}}' }, { firstName: '<img src=x onerror=alert(1)>' });
    expect(outcome).toEqual({
      ok: true,
      email: { subject: 'Hi', bodyText: 'Hi <img src=x onerror=alert(1)>', bodyHtml: '<p>Hi &lt;img src=x onerror=alert(1)&gt;</p>', links: [] },
    });
  });
});

describe('rendering an HTML template', () => {
  it('escapes lead values, keeps the markup of the template and lists links in order', () => {
    const template = {
      subject: 'For {{company}}',
      body: '<p>Hi {{firstName}}</p><a href="https://example.com/b">B</a> <a href="mailto:x@example.com">mail</a> <a href="https://example.com/a?x=1&amp;y=2">A</a>',
    };
    expect(renderEmail(template, { firstName: '"Ada" <ada@evil.test>', company: 'R&D' })).toEqual({
      ok: true,
      email: {
        subject: 'For R&D',
        bodyHtml:
          '<p>Hi &#34;Ada&#34; &lt;ada@evil.test&gt;</p><a href="https://example.com/b">B</a> <a href="mailto:x@example.com">mail</a> <a href="https://example.com/a?x=1&amp;y=2">A</a>',
        bodyText: 'Hi "Ada" <ada@evil.test>\n\nB [https://example.com/b] mail [x@example.com] A [https://example.com/a?x=1&y=2]',
        // Only http(s) links are tracked; mailto is left alone.
        links: [
          { index: 0, url: 'https://example.com/b' },
          { index: 1, url: 'https://example.com/a?x=1&y=2' },
        ],
      },
    });
  });
});

describe('rendering with missing values', () => {
  it('uses the default of the template when the lead has no value', () => {
    const outcome = renderEmail({ subject: 'Hi {{ firstName | default: "there" }}', body: 'x' }, { company: 'Acme' });
    expect(outcome).toEqual({ ok: true, email: { subject: 'Hi there', bodyText: 'x', bodyHtml: '<p>x</p>', links: [] } });
  });

  it('treats an empty value as missing, so the default applies', () => {
    const outcome = renderEmail({ subject: 'Hi {{ firstName | default: "there" }}', body: 'x' }, { firstName: '' });
    expect(outcome).toEqual({ ok: true, email: { subject: 'Hi there', bodyText: 'x', bodyHtml: '<p>x</p>', links: [] } });
  });

  it('uses a custom field when the lead has it', () => {
    const outcome = renderEmail({ subject: 'Your {{ plan | default: "plan" }}', body: 'x' }, { plan: 'Team plan' });
    expect(outcome).toEqual({ ok: true, email: { subject: 'Your Team plan', bodyText: 'x', bodyHtml: '<p>x</p>', links: [] } });
  });

  it('reports the missing variable when there is no default', () => {
    expect(renderEmail({ subject: 'Hi', body: 'Hi {{lastName}}' }, { firstName: 'Ada' })).toEqual({
      ok: false,
      missingVariable: 'lastName',
      error: 'the lead has no value for {{lastName}} and the template gives no default',
    });
  });
});
