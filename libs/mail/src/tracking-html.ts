import { Parser } from 'htmlparser2';

export type RecordedLink = { index: number; url: string };

export type TrackedHtml = {
  html: string;
  /** Indexes of the recorded links whose href now points at the click tracker. */
  rewritten: number[];
  /** Recorded links not found where expected: left as they were (and logged by the caller). */
  missing: number[];
};

const HREF = /(\shref\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)/i;

const attribute = (value: string) => `"${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;

/** The same rule the renderer used to record links: `<a>` with an absolute http(s) href. */
const isRecordable = (name: string, href: string | undefined): href is string =>
  name === 'a' && href !== undefined && href !== '' && /^https?:\/\//i.test(href) && URL.canParse(href);

/**
 * Points each recorded link at its click-tracking URL. The renderer recorded the links of
 * this very HTML in order of appearance, so the n-th recordable `<a>` is link n; an href
 * that does not match its record is left alone rather than sent to the wrong redirect (the
 * tracker only ever redirects to the recorded URL). Only the href attribute is touched: the
 * rest of the markup stays byte for byte.
 */
export function trackLinks(html: string, links: readonly RecordedLink[], linkUrl: (index: number) => string): TrackedHtml {
  const edits: { start: number; end: number; tag: string }[] = [];
  const rewritten: number[] = [];
  const missing: number[] = [];
  let position = 0;
  const parser = new Parser({
    onopentag(name, attributes) {
      const href = attributes.href;
      if (!isRecordable(name, href)) return;
      const index = position++;
      const record = links.find((l) => l.index === index);
      if (!record) return;
      if (record.url !== href) {
        missing.push(index);
        return;
      }
      const start = parser.startIndex;
      const end = parser.endIndex + 1;
      const source = html.slice(start, end);
      if (!HREF.test(source)) {
        missing.push(index);
        return;
      }
      edits.push({ start, end, tag: source.replace(HREF, (_all, lead: string) => `${lead}${attribute(linkUrl(index))}`) });
      rewritten.push(index);
    },
  });
  parser.write(html);
  parser.end();
  for (const link of links) if (!rewritten.includes(link.index) && !missing.includes(link.index)) missing.push(link.index);

  let out = '';
  let last = 0;
  for (const edit of edits) {
    out += html.slice(last, edit.start) + edit.tag;
    last = edit.end;
  }
  return { html: out + html.slice(last), rewritten, missing: missing.sort((a, b) => a - b) };
}

/**
 * Adds the 1x1 open-tracking image at the end of the body (inside `</body>` when the HTML
 * has one). Opens are a hint, not a fact: many clients block or prefetch images.
 */
export function addOpenPixel(html: string, pixelUrl: string): string {
  const img = `<img src=${attribute(pixelUrl)} width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`;
  const close = html.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
  return close >= 0 ? `${html.slice(0, close)}${img}${html.slice(close)}` : `${html}\n${img}`;
}

export type Footer = { postalAddress?: string; companyName?: string; unsubscribeUrl: string };

const escapeText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** "Company, address" on one line (an address given on several lines is joined with commas). */
function senderLine(footer: Footer): string {
  const address = footer.postalAddress?.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join(', ');
  return [footer.companyName?.trim(), address].filter(Boolean).join(', ');
}

/**
 * The CAN-SPAM footer: who sends (postal address) and a visible way out (the same signed
 * unsubscribe link as List-Unsubscribe), at the end of the body like the pixel.
 */
export function addFooter(html: string, footer: Footer): string {
  const sender = senderLine(footer);
  const block =
    `<div style="margin-top:24px;font-size:12px;line-height:1.4;color:#888">` +
    (sender ? `${escapeText(sender)}<br>` : '') +
    `<a href=${attribute(footer.unsubscribeUrl)} style="color:#888">Unsubscribe</a></div>`;
  const close = html.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
  return close >= 0 ? `${html.slice(0, close)}${block}${html.slice(close)}` : `${html}\n${block}`;
}

/** The footer of the plain-text part. */
export function footerText(footer: Footer): string {
  const sender = senderLine(footer);
  return `--\n${sender ? `${sender}\n` : ''}Unsubscribe: ${footer.unsubscribeUrl}`;
}
