import { applyCorrections, placeCorrections } from './corrections';

const fix = (offset: number, original: string, suggestion: string) => ({ offset, original, suggestion, reason: 'test' });

describe('placing proposed corrections on the text', () => {
  const text = 'I recieve teh report. Teh team will recieve it too.';

  it('keeps a correction that quotes the text at its offset', () => {
    const { corrections, dropped } = placeCorrections(text, [fix(2, 'recieve', 'receive')]);
    expect(corrections).toEqual([{ offset: 2, length: 7, original: 'recieve', suggestion: 'receive', reason: 'test' }]);
    expect(dropped).toBe(0);
  });

  it('moves a correction whose offset is off to the nearest place its text occurs', () => {
    const { corrections } = placeCorrections(text, [fix(39, 'recieve', 'receive'), fix(4, 'teh', 'the')]);
    expect(corrections.map((c) => [c.offset, c.original])).toEqual([
      [10, 'teh'],
      [36, 'recieve'],
    ]);
    for (const c of corrections) expect(text.slice(c.offset, c.offset + c.length)).toBe(c.original);
  });

  it('drops corrections that quote nothing in the text, change nothing, or overlap an earlier one', () => {
    const { corrections, dropped } = placeCorrections(text, [fix(0, 'receipt', 'receipt!'), fix(2, 'recieve', 'recieve'), fix(2, 'recieve', 'receive'), fix(2, 'recieve teh', 'receive the')]);
    expect(corrections.map((c) => c.original)).toEqual(['recieve']);
    expect(dropped).toBe(3);
  });

  it('never touches template tags', () => {
    const withTags = 'Hi {{ firstName | default: "ther" }}, ther is news.';
    const { corrections, dropped } = placeCorrections(withTags, [fix(30, 'ther', 'there'), fix(3, '{{ firstName', '{{firstName')]);
    expect(corrections).toEqual([expect.objectContaining({ offset: withTags.lastIndexOf('ther'), original: 'ther' })]);
    expect(dropped).toBe(1);
  });

  it('applies corrections from left to right into the corrected text', () => {
    const { corrections } = placeCorrections(text, [fix(40, 'recieve', 'receive'), fix(22, 'Teh', 'The'), fix(10, 'teh', 'the'), fix(2, 'recieve', 'receive')]);
    expect(applyCorrections(text, corrections)).toBe('I receive the report. The team will receive it too.');
  });
});
