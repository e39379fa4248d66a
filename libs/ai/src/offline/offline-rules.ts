import { AiTone } from '../ai.types';
import { ProposedCorrection } from '../grammar/corrections';

/**
 * The offline generator's word lists: fixed, English, and small on purpose. They make the
 * embedded default useful without a network; they are not a language model.
 */

/** Runs `edit` on the text between template tags only: variables are never rewritten. */
export function outsideTags(text: string, edit: (plain: string) => string): string {
  const parts = text.split(/(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\})/);
  return parts.map((part, i) => (i % 2 === 1 ? part : edit(part))).join('');
}

/** Replaces a phrase, keeping a leading capital where the text had one. */
export function replacePhrase(text: string, pattern: RegExp, replacement: string): string {
  return text.replace(pattern, (match: string) => {
    if (!replacement) return '';
    const first = match.charAt(0);
    return first !== first.toLowerCase() ? replacement.charAt(0).toUpperCase() + replacement.slice(1) : replacement;
  });
}

export type Rule = { pattern: RegExp; replacement: string; change: string };

/** Filler that weakens a sales email, and what the improvement says about removing it. */
export const FILLER_RULES: readonly Rule[] = [
  { pattern: /\bI hope (this|my) (e-?mail|message|note) finds you well[.!]?\s*/gi, replacement: '', change: 'removed the "hope this finds you well" opener' },
  { pattern: /\bI hope you(?:'re| are) (?:doing )?well[.!]?\s*/gi, replacement: '', change: 'removed the "hope you are well" opener' },
  { pattern: /\bsorry to bother you,? (?:but )?/gi, replacement: '', change: 'dropped the apology for writing' },
  { pattern: /\bI just wanted to\b/gi, replacement: 'I wanted to', change: 'dropped "just"' },
  { pattern: /\bjust checking in\b/gi, replacement: 'following up', change: 'replaced "just checking in" with "following up"' },
  { pattern: /\bvery unique\b/gi, replacement: 'unique', change: 'replaced "very unique" with "unique"' },
  { pattern: /\bin order to\b/gi, replacement: 'to', change: 'replaced "in order to" with "to"' },
  { pattern: /\bat this point in time\b/gi, replacement: 'now', change: 'replaced "at this point in time" with "now"' },
  { pattern: /\bdue to the fact that\b/gi, replacement: 'because', change: 'replaced "due to the fact that" with "because"' },
  { pattern: /\bplease do not hesitate to\b/gi, replacement: 'feel free to', change: 'replaced "please do not hesitate to" with "feel free to"' },
];

const CONTRACTIONS: readonly [string, string][] = [
  ["I'm", 'I am'],
  ["don't", 'do not'],
  ["doesn't", 'does not'],
  ["didn't", 'did not'],
  ["can't", 'cannot'],
  ["won't", 'will not'],
  ["isn't", 'is not'],
  ["aren't", 'are not'],
  ["it's", 'it is'],
  ["that's", 'that is'],
  ["you're", 'you are'],
  ["we're", 'we are'],
  ["they're", 'they are'],
  ["let's", 'let us'],
  ["I'll", 'I will'],
  ["we'll", 'we will'],
  ["you'll", 'you will'],
  ["I've", 'I have'],
  ["we've", 'we have'],
  ["I'd", 'I would'],
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const expand: Rule[] = CONTRACTIONS.map(([short, long]) => ({ pattern: new RegExp(`\\b${escape(short).replace("'", "['’]")}\\b`, 'gi'), replacement: long, change: '' }));
const contract: Rule[] = CONTRACTIONS.filter(([, long]) => long !== 'let us' && long !== 'I would').map(([short, long]) => ({ pattern: new RegExp(`\\b${escape(long)}\\b`, 'gi'), replacement: short, change: '' }));

const rule = (pattern: RegExp, replacement: string): Rule => ({ pattern, replacement, change: '' });
const greeting = (word: string) => rule(/^(hi|hey|hello|dear)\b/gim, word);
const signOff = (words: string) => rule(/^(cheers|best|best regards|kind regards|warm regards|regards|sincerely|all the best|thanks|thank you),\s*$/gim, `${words},`);
const hedges: Rule[] = [
  rule(/\bI was wondering if you would be\b/gi, 'Would you be'),
  rule(/\bI think (?=we|you|this|it)\b/gi, ''),
  rule(/\b(just|really|actually|basically|perhaps|maybe) (?=\w)/gi, ''),
  rule(/\bmight be able to\b/gi, 'can'),
  rule(/\bhopefully,? /gi, ''),
];

/** Word swaps per tone, applied in order outside template tags. */
export const TONE_RULES: Readonly<Record<AiTone, readonly Rule[]>> = {
  FORMAL: [...expand, greeting('Dear'), signOff('Kind regards'), rule(/\bthanks\b/gi, 'thank you'), rule(/!+/g, '.')],
  PROFESSIONAL: [greeting('Hello'), signOff('Best regards'), rule(/\bthanks\b/gi, 'thank you'), rule(/!{2,}/g, '.')],
  CASUAL: [...contract, greeting('Hey'), signOff('Cheers'), rule(/\bthank you\b/gi, 'thanks')],
  FRIENDLY: [...contract, greeting('Hi'), signOff('Best'), rule(/\bthank you\b/gi, 'thanks')],
  CONFIDENT: [...hedges, greeting('Hi'), signOff('Best')],
  DIRECT: [...hedges, ...FILLER_RULES.map((r) => rule(r.pattern, r.replacement)), greeting('Hi'), signOff('Best')],
  EMPATHETIC: [greeting('Hi'), signOff('Warm regards')],
  ENTHUSIASTIC: [...contract, greeting('Hi'), signOff('All the best')],
};

/** Common English misspellings (lower case) and their correction. */
export const MISSPELLINGS: Readonly<Record<string, string>> = {
  recieve: 'receive',
  recieved: 'received',
  seperate: 'separate',
  definately: 'definitely',
  occured: 'occurred',
  untill: 'until',
  wich: 'which',
  teh: 'the',
  alot: 'a lot',
  accomodate: 'accommodate',
  tommorow: 'tomorrow',
  tomorow: 'tomorrow',
  adress: 'address',
  begining: 'beginning',
  beleive: 'believe',
  calender: 'calendar',
  goverment: 'government',
  independant: 'independent',
  neccessary: 'necessary',
  necesary: 'necessary',
  occassion: 'occasion',
  publically: 'publicly',
  reccomend: 'recommend',
  recomend: 'recommend',
  refered: 'referred',
  relevent: 'relevant',
  sucess: 'success',
  succesful: 'successful',
  successfull: 'successful',
  truely: 'truly',
  wierd: 'weird',
  thier: 'their',
  buisness: 'business',
  bussiness: 'business',
  comittee: 'committee',
  existance: 'existence',
  enviroment: 'environment',
  excercise: 'exercise',
  foward: 'forward',
  garantee: 'guarantee',
  guarentee: 'guarantee',
  immediatly: 'immediately',
  occurence: 'occurrence',
  oppurtunity: 'opportunity',
  oportunity: 'opportunity',
  persue: 'pursue',
  posession: 'possession',
  prefered: 'preferred',
  reciept: 'receipt',
  responsability: 'responsibility',
  shedule: 'schedule',
  wether: 'whether',
  writting: 'writing',
  acheive: 'achieve',
  arguement: 'argument',
  concious: 'conscious',
  embarass: 'embarrass',
  freind: 'friend',
  happend: 'happened',
  knowlege: 'knowledge',
  managment: 'management',
  maintainance: 'maintenance',
  noticable: 'noticeable',
  paralell: 'parallel',
  priviledge: 'privilege',
  quater: 'quarter',
  sincerly: 'sincerely',
  suprise: 'surprise',
  tounge: 'tongue',
  transfered: 'transferred',
  usefull: 'useful',
};

const keepCase = (original: string, replacement: string) =>
  original === original.toUpperCase() && original.length > 1 ? replacement.toUpperCase() : original.charAt(0) !== original.charAt(0).toLowerCase() ? replacement.charAt(0).toUpperCase() + replacement.slice(1) : replacement;

/** Words that take "a" although they start with a vowel letter, or "an" with a consonant letter. */
const A_BEFORE_VOWEL = /^(one|once|eu|uni|use|usu|ur)/i;
const AN_BEFORE_CONSONANT = /^(hour|honest|honou?r|heir)/i;
const ABBREVIATION = /\b(e\.g|i\.e|etc|vs|approx|incl|Mr|Mrs|Ms|Dr|St)\.$/;

/** Mechanical English proofreading: each finding quotes the text exactly where it is. */
export function proofread(text: string): ProposedCorrection[] {
  const found: ProposedCorrection[] = [];
  const add = (offset: number, original: string, suggestion: string, reason: string) => found.push({ offset, original, suggestion, reason });
  for (const m of text.matchAll(/\b[A-Za-z]+\b/g)) {
    const correct = MISSPELLINGS[m[0].toLowerCase()];
    if (correct) add(m.index, m[0], keepCase(m[0], correct), `spelling: "${correct}"`);
  }
  for (const m of text.matchAll(/\b([A-Za-z]+)\s+\1\b/gi)) {
    if (m[1]?.toLowerCase() === 'that' || m[1]?.toLowerCase() === 'had') continue;
    add(m.index, m[0], m[1] ?? '', 'the word is repeated');
  }
  for (const m of text.matchAll(/(?<=^|\s)i(?=\s|'|’|[,!?;:]|\.(?!e\.)|$)/gm)) add(m.index, 'i', 'I', '"I" is always a capital letter');
  for (const m of text.matchAll(/\b(a) ([A-Za-z]+)/g)) {
    const next = m[2] ?? '';
    if (/^[aeio]/i.test(next) && !A_BEFORE_VOWEL.test(next)) add(m.index, `a ${next}`, `an ${next}`, '"an" before a vowel sound');
  }
  for (const m of text.matchAll(/\b(an) ([A-Za-z]+)/g)) {
    const next = m[2] ?? '';
    if (/^[bcdfgjklmnpqrstvwxyz]/i.test(next) && !AN_BEFORE_CONSONANT.test(next)) add(m.index, `an ${next}`, `a ${next}`, '"a" before a consonant sound');
  }
  for (const m of text.matchAll(/(?<=\S) {2,}(?=\S)/g)) add(m.index, m[0], ' ', 'double space');
  for (const m of text.matchAll(/(?<=\w) +([,.;:!?])(?![\w/])/g)) add(m.index, m[0], m[1] ?? '', 'no space before punctuation');
  for (const m of text.matchAll(/(^|[.!?]\s+)([a-z])/g)) {
    const before = text.slice(0, m.index + (m[1]?.length ?? 0));
    if (m.index > 0 && ABBREVIATION.test(before.trimEnd())) continue;
    // A lower-case word right after a template tag or a URL is not a new sentence.
    if (/\S\.$/.test(before.trimEnd()) && /(https?:\/\/|www\.)\S*$/.test(before.trimEnd())) continue;
    const at = m.index + (m[1]?.length ?? 0);
    const word = /^[a-z]+/.exec(text.slice(at))?.[0] ?? m[2] ?? '';
    const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
    // A misspelt or lower-case "i" first word: one correction that also capitalises it.
    const same = found.find((f) => f.offset === at && f.original === word);
    if (same) {
      same.suggestion = capital(same.suggestion);
      same.reason = `${same.reason}; a sentence starts with a capital letter`;
    } else add(at, word, capital(word), 'a sentence starts with a capital letter');
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/** Words that say nothing about a topic (subject lines are built around the others). */
export const STOP_WORDS = new Set(
  (
    'a about above after again all also am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further ' +
    'had has have having he her here hers herself him himself his how i if in into is it its itself just let like me might more most my myself no nor not now of off on once only or other our ours ' +
    'ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to too under until up very was we were what when ' +
    'where which while who whom why will with would you your yours yourself yourselves hi hello dear best regards thanks thank cheers quick question minutes minute week next time call ' +
    'happy glad love open worth chat talk share idea ideas team teams company help helps know want wanted reach reaching out email note write writing looking look see get got make ' +
    'hope finds sure pain promise great good better new way ways able well lot much many thing things today soon right reason'
  ).split(' '),
);
