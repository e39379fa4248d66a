import { Liquid, UndefinedVariableError } from 'liquidjs';
import { convert as htmlToText } from 'html-to-text';
import { Parser } from 'htmlparser2';
import { LinkifyIt } from 'linkify-it';
import escapeHtml from 'escape-html';
import { DomainError } from './domain-error';

/** Variables every template may use; anything else must carry a default. */
export const STANDARD_VARIABLES = ['firstName', 'lastName', 'fullName', 'email', 'company', 'title', 'senderName', 'senderEmail'] as const;
export type StandardVariable = (typeof STANDARD_VARIABLES)[number];

export class TemplateSyntaxError extends DomainError {
  readonly code = 'TEMPLATE.SYNTAX_ERROR';
  readonly kind = 'BAD_INPUT';
  constructor(readonly part: 'subject' | 'body', detail: string) {
    super(`The template ${part} does not parse: ${detail}`);
  }
}

export class UnknownTemplateVariable extends DomainError {
  readonly code = 'TEMPLATE.UNKNOWN_VARIABLE';
  readonly kind = 'BAD_INPUT';
  constructor(
    readonly part: 'subject' | 'body',
    readonly variable: string,
  ) {
    super(
      `The template ${part} uses {{${variable}}}, which is not a known variable (${STANDARD_VARIABLES.join(', ')}). ` +
        `For a custom field give a default, e.g. {{ ${variable} | default: "..." }}`,
    );
  }
}

const refusePartials = {
  readFileSync: () => {
    throw new Error('partials are not supported in email templates');
  },
  existsSync: () => false,
  exists: async () => false,
  readFile: async () => {
    throw new Error('partials are not supported in email templates');
  },
  resolve: (_root: string, file: string) => file,
};
const common = {
  strictVariables: true,
  // With lenientIf, `{{ x | default: "y" }}` and `{% if x %}` accept an undefined x.
  lenientIf: true,
  strictFilters: true,
  fs: refusePartials,
  root: [] as string[],
  // Partials are refused anyway; without this liquidjs warns on every construction.
  relativeReference: false,
  parseLimit: 100_000,
  memoryLimit: 10_000_000,
};
const textLiquid = new Liquid(common);
const htmlLiquid = new Liquid({ ...common, outputEscape: 'escape' });
const linkify = new LinkifyIt();

function variableOf(error: UndefinedVariableError): string {
  return /undefined variable: ([^,\s]+)/.exec(error.message)?.[1] ?? error.message;
}

const probe: Record<StandardVariable, string> = Object.fromEntries(STANDARD_VARIABLES.map((v) => [v, 'x'])) as Record<StandardVariable, string>;

function checkPart(part: 'subject' | 'body', source: string): string[] {
  let variables: string[];
  try {
    variables = textLiquid.globalVariablesSync(source);
  } catch (error) {
    throw new TemplateSyntaxError(part, error instanceof Error ? error.message : String(error));
  }
  try {
    textLiquid.parseAndRenderSync(source, probe);
  } catch (error) {
    if (error instanceof UndefinedVariableError) throw new UnknownTemplateVariable(part, variableOf(error));
    throw new TemplateSyntaxError(part, error instanceof Error ? error.message : String(error));
  }
  return variables;
}

/**
 * Checks a template before it is stored: it parses, and every variable is either standard or
 * has a default. Returns the variables it reads, sorted.
 */
export function checkTemplate(template: { subject: string; body: string }): string[] {
  const variables = new Set([...checkPart('subject', template.subject), ...checkPart('body', template.body)]);
  return [...variables].sort();
}

export type RenderedEmail = {
  subject: string;
  bodyHtml: string;
  bodyText: string;
  links: { index: number; url: string }[];
};

export type RenderOutcome = { ok: true; email: RenderedEmail } | { ok: false; missingVariable?: string; error: string };

const looksLikeHtml = (body: string) => /<[a-z][\s\S]*>/i.test(body);

function linksInHtml(html: string): string[] {
  const links: string[] = [];
  const parser = new Parser({
    onopentag(name, attributes) {
      const href = attributes.href;
      if (name === 'a' && href && /^https?:\/\//i.test(href) && URL.canParse(href)) links.push(href);
    },
  });
  parser.write(html);
  parser.end();
  return links;
}

function textToHtml(text: string): string {
  const linked = (line: string) => {
    const matches = linkify.match(line) ?? [];
    let out = '';
    let last = 0;
    for (const m of matches) {
      out += escapeHtml(line.slice(last, m.index));
      out += `<a href="${escapeHtml(m.url)}">${escapeHtml(m.text)}</a>`;
      last = m.lastIndex;
    }
    return out + escapeHtml(line.slice(last));
  };
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.split('\n').map(linked).join('<br>')}</p>`)
    .join('\n');
}

/**
 * Renders a template for one lead. Pure: the same template and variables always give the same
 * email, so a replay never renders differently. A body with HTML tags is HTML (variables are
 * escaped in it) and gets a text part; a plain body gets an HTML part with its links made
 * clickable. Links are listed in order of appearance.
 */
export function renderEmail(template: { subject: string; body: string }, variables: Record<string, string | undefined>): RenderOutcome {
  const context = Object.fromEntries(Object.entries(variables).filter(([, v]) => v !== undefined && v !== ''));
  try {
    const subject = textLiquid.parseAndRenderSync(template.subject, context).replace(/\s+/g, ' ').trim();
    let bodyHtml: string;
    let bodyText: string;
    if (looksLikeHtml(template.body)) {
      bodyHtml = htmlLiquid.parseAndRenderSync(template.body, context);
      bodyText = htmlToText(bodyHtml, { wordwrap: false });
    } else {
      bodyText = textLiquid.parseAndRenderSync(template.body, context);
      bodyHtml = textToHtml(bodyText);
    }
    const links = linksInHtml(bodyHtml).map((url, index) => ({ index, url }));
    return { ok: true, email: { subject, bodyHtml, bodyText, links } };
  } catch (error) {
    if (error instanceof UndefinedVariableError) {
      const name = variableOf(error);
      return { ok: false, missingVariable: name, error: `the lead has no value for {{${name}}} and the template gives no default` };
    }
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
