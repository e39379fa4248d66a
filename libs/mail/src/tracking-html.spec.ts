import { addOpenPixel, trackLinks } from '@app/mail';
import { renderEmail } from '@app/domain';

const linkUrl = (i: number) => `https://t.test/c/token-${i}`;

describe('rewriting the recorded links of an email', () => {
  it('points each recorded link, in order, at its click tracker and leaves the rest of the markup alone', () => {
    const html = '<p>See <a class="cta" href="https://example.com/demo?a=1&amp;b=2">the demo</a> or <A HREF=\'https://example.com/pricing\'>pricing</A>.</p>';
    const result = trackLinks(
      html,
      [
        { index: 0, url: 'https://example.com/demo?a=1&b=2' },
        { index: 1, url: 'https://example.com/pricing' },
      ],
      linkUrl,
    );
    expect(result.html).toBe('<p>See <a class="cta" href="https://t.test/c/token-0">the demo</a> or <A HREF="https://t.test/c/token-1">pricing</A>.</p>');
    expect(result).toMatchObject({ rewritten: [0, 1], missing: [] });
  });

  it('counts links exactly as the renderer recorded them: mailto and relative links are not links', () => {
    const rendered = renderEmail(
      { subject: 'Hi', body: '<p><a href="mailto:me@x.test">mail</a> <a href="/relative">rel</a> <a href="https://one.test/">one</a> <a href=https://two.test/x>two</a></p>' },
      {},
    );
    if (!rendered.ok) throw new Error(rendered.error);
    const result = trackLinks(rendered.email.bodyHtml, rendered.email.links, linkUrl);
    expect(rendered.email.links.map((l) => l.url)).toEqual(['https://one.test/', 'https://two.test/x']);
    expect(result.html).toContain('<a href="mailto:me@x.test">mail</a> <a href="/relative">rel</a> <a href="https://t.test/c/token-0">one</a> <a href="https://t.test/c/token-1">two</a>');
  });

  it('also tracks the links the renderer made clickable in a plain-text template', () => {
    const rendered = renderEmail({ subject: 'Hi', body: 'Book here: https://cal.test/ada\n\nThanks' }, {});
    if (!rendered.ok) throw new Error(rendered.error);
    const result = trackLinks(rendered.email.bodyHtml, rendered.email.links, linkUrl);
    expect(result.html).toBe('<p>Book here: <a href="https://t.test/c/token-0">https://cal.test/ada</a></p>\n<p>Thanks</p>');
  });

  it('leaves a link alone when it is not the one recorded at its place, so a click never lands elsewhere', () => {
    const result = trackLinks('<a href="https://changed.test/">x</a>', [{ index: 0, url: 'https://recorded.test/' }], linkUrl);
    expect(result).toEqual({ html: '<a href="https://changed.test/">x</a>', rewritten: [], missing: [0] });
  });

  it('does not take an attribute that merely ends in href for the link', () => {
    const result = trackLinks('<a data-href="https://x.test/" href="https://y.test/">x</a>', [{ index: 0, url: 'https://y.test/' }], linkUrl);
    expect(result.html).toBe('<a data-href="https://x.test/" href="https://t.test/c/token-0">x</a>');
  });
});

describe('the open pixel', () => {
  it('goes just before </body> when the HTML is a document', () => {
    expect(addOpenPixel('<html><body><p>Hi</p></body></html>', 'https://t.test/o/x.gif')).toMatch(/<p>Hi<\/p><img src="https:\/\/t\.test\/o\/x\.gif" width="1" height="1" alt=""[^>]*><\/body><\/html>$/);
  });

  it('goes at the end of a fragment', () => {
    expect(addOpenPixel('<p>Hi</p>', 'https://t.test/o/x.gif')).toMatch(/^<p>Hi<\/p>\n<img src="https:\/\/t\.test\/o\/x\.gif"/);
  });
});
