import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PromptNames = ['generate-email', 'improve-email', 'adjust-tone', 'subject-lines', 'check-grammar', 'icebreaker'] as const;
export type PromptName = (typeof PromptNames)[number];

/**
 * The version each operation uses. A changed prompt is a new file (`<name>.v<n+1>.md`) and a
 * bump here; the old file stays, so every recorded `promptVersion` still names the exact text.
 */
export const CURRENT_PROMPT_VERSIONS: Readonly<Record<PromptName, number>> = {
  'generate-email': 1,
  'improve-email': 1,
  'adjust-tone': 1,
  'subject-lines': 1,
  'check-grammar': 1,
  icebreaker: 1,
};

/** One prompt file: a system and a user message with `[[placeholders]]`. */
export type Prompt = {
  /** `<name>@<version>`: what AiDraftGenerated records as promptVersion. */
  id: string;
  system: string;
  user: string;
  placeholders: readonly string[];
};

export type RenderedPrompt = { id: string; system: string; user: string };

const PLACEHOLDER = /\[\[([a-zA-Z][a-zA-Z0-9]*)\]\]/g;
const DIRECTORY = __dirname;
const loaded = new Map<string, Prompt>();

export function promptFile(name: PromptName, version: number): string {
  return join(DIRECTORY, `${name}.v${version}.md`);
}

function sections(text: string, file: string): { system: string; user: string } {
  // Leading HTML comments document the version (what changed and why); they are not sent.
  const body = text.replace(/^\s*(<!--[\s\S]*?-->\s*)+/, '');
  const match = /^##\s+system\s*\n([\s\S]*?)^##\s+user\s*\n([\s\S]*)$/im.exec(body);
  if (!match?.[1] || !match[2]) throw new Error(`${file}: a prompt file has a "## system" section followed by a "## user" section`);
  return { system: match[1].trim(), user: match[2].trim() };
}

/**
 * Loads a prompt by name and version (once per process). A missing file is a deployment error:
 * the build must copy the prompt files next to the compiled code.
 */
export function loadPrompt(name: PromptName, version: number = CURRENT_PROMPT_VERSIONS[name]): Prompt {
  const id = `${name}@${version}`;
  const known = loaded.get(id);
  if (known) return known;
  const file = promptFile(name, version);
  if (!existsSync(file)) throw new Error(`prompt ${id} is missing: expected ${file} (prompt files must be copied into the build next to the code)`);
  const { system, user } = sections(readFileSync(file, 'utf8'), file);
  const placeholders = [...new Set([...`${system}\n${user}`.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))].sort();
  const prompt: Prompt = { id, system, user, placeholders };
  loaded.set(id, prompt);
  return prompt;
}

/**
 * Fills a prompt's placeholders. Every placeholder needs a value and every value a
 * placeholder: a mismatch between code and prompt file fails loudly instead of sending a
 * prompt with a hole in it. Values are inserted as given: data must go through `dataBlock`.
 */
export function renderPrompt(prompt: Prompt, values: Readonly<Record<string, string>>): RenderedPrompt {
  const missing = prompt.placeholders.filter((p) => values[p] === undefined);
  const unused = Object.keys(values).filter((k) => !prompt.placeholders.includes(k));
  if (missing.length || unused.length) {
    throw new Error(`prompt ${prompt.id}: ${missing.length ? `no value for ${missing.join(', ')}` : ''}${missing.length && unused.length ? '; ' : ''}${unused.length ? `no placeholder for ${unused.join(', ')}` : ''}`);
  }
  const fill = (text: string) => text.replace(PLACEHOLDER, (_all, key: string) => values[key] ?? '');
  return { id: prompt.id, system: fill(prompt.system), user: fill(prompt.user) };
}

/** The tags that fence data inside prompts; data must never open or close one of them. */
export const DATA_TAGS = ['lead', 'sender', 'product', 'campaign', 'email', 'text', 'instructions', 'goal'] as const;
const TAG_LIKE = new RegExp(`<(/?)\\s*(${DATA_TAGS.join('|')})\\b`, 'gi');

/**
 * Data for a prompt: JSON (quotes and newlines escaped, so it reads as one value), with any
 * `<lead>`, `</email>`... inside it defused. Leads' fields, research notes and pasted emails
 * come from users and third parties: the prompts say that fenced data is information, never
 * instructions, and this keeps the fence itself intact.
 */
export function dataBlock(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(TAG_LIKE, (_all, slash: string, tag: string) => `\\u003c${slash}${tag}`);
}
