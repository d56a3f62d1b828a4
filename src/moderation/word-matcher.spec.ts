import { WordMatcher, wordsOf } from './word-matcher.js';

const mask = (entries: string[], text: string) => new WordMatcher(entries).mask(text);

describe('WordMatcher', () => {
  it('masks whole words only, every letter and digit, whatever the case', () => {
    expect(mask(['ass'], 'you ass, ASS! Ass?')).toBe('you ***, ***! ***?');
    expect(mask(['ass'], 'a class of assets, passe')).toBe('a class of assets, passe');
    expect(mask(['ass'], 'ass_ass ass-ass')).toBe('***_*** ***-***');
    expect(mask(['b4d'], 'so b4d')).toBe('so ***');
    expect(mask(['bad'], 'bad2 2bad bad')).toBe('bad2 2bad ***');
  });

  it('matches a phrase as consecutive words, whatever separates them, and keeps the separators', () => {
    const m = new WordMatcher(['kill yourself']);
    expect(m.mask('just kill yourself now')).toBe('just **** ******** now');
    expect(m.mask('KILL...YOURSELF')).toBe('****...********');
    expect(m.mask('kill \n\t yourself')).toBe('**** \n\t ********');
    expect(m.mask('kill  - yourselfie')).toBe('kill  - yourselfie');
    expect(m.mask('kill my yourself')).toBe('kill my yourself');
    expect(m.mask('kill')).toBe('kill');
    expect(m.matches('skill yourself')).toBe(false);
  });

  it('masks every occurrence, overlapping and nested entries included', () => {
    const m = new WordMatcher(['a b', 'b c', 'bad', 'bad word', 'word']);
    expect(m.mask('a b c d')).toBe('* * * d');
    expect(m.mask('bad word, bad, word')).toBe('*** ****, ***, ****');
    expect(m.mask('x a b x b c x')).toBe('x * * x * * x');
  });

  it('leaves regular expression metacharacters in entries literal (they are separators)', () => {
    const m = new WordMatcher(['f.ck', 'a+b', '(x)', '.*', 'c++']);
    expect(m.mask('f.ck fuck f ck f-ck')).toBe('*.** fuck * ** *-**');
    expect(m.mask('a+b a b ab')).toBe('*+* * * ab');
    expect(m.mask('(x) x xx')).toBe('(*) * xx');
    expect(m.mask('anything at all')).toBe('anything at all');
    expect(m.mask('I like c++ and c')).toBe('I like *++ and *');
    expect(m.size).toBe(4); // ".*" has no word and is left out
  });

  it('handles non-Latin scripts, accents and combining marks', () => {
    expect(mask(['дурак'], 'Ты ДУРАК, дураки')).toBe('Ты *****, дураки');
    expect(mask(['바보'], '너는 바보야 바보')).toBe('너는 바보야 **');
    expect(mask(['ばか'], 'ばか！')).toBe('**！');
    expect(mask(['κακός'], 'ΚΑΚΌΣ άνθρωπος')).toBe('***** άνθρωπος');
    expect(mask(['حمار'], 'انت حمار')).toBe('انت ****');
    // An accented letter is a letter of its own: "cafe" and "café" are different words.
    expect(mask(['café'], 'CAFÉ cafe café')).toBe('**** cafe ****');
    expect(mask(['cafe'], 'café')).toBe('café');
    // Decomposed accents (a combining mark) belong to the word: one star per letter.
    expect(mask(['café'], 'cafe\u0301!')).toBe('****!');
    expect(mask(['cafe'], 'cafe\u0301')).toBe('cafe\u0301');
    // Devanagari vowel signs are marks inside the word.
    expect(mask(['हिंदी'], 'यह हिंदी है')).toBe('यह ** है');
  });

  it('treats compatibility forms as their plain letters', () => {
    expect(mask(['bad'], 'ＢＡＤ ﾊﾞｶ')).toBe('*** ﾊﾞｶ');
    expect(mask(['バカ'], 'ﾊﾞｶ')).toBe('***');
    expect(mask(['ばか'], 'バカ')).toBe('バカ');
    expect(mask(['fine'], 'ﬁne')).toBe('***');
  });

  it('with an empty list matches nothing and returns the same string', () => {
    const m = new WordMatcher([]);
    const text = 'anything at all';
    expect(m.matches(text)).toBe(false);
    expect(m.mask(text)).toBe(text);
    expect(new WordMatcher(['!!!', '  ']).size).toBe(0);
  });

  it('refuses (matches) exactly where it would mask', () => {
    const m = new WordMatcher(['ass', 'bad word']);
    expect(m.matches('class act')).toBe(false);
    expect(m.matches('a BAD  WORD')).toBe(true);
    expect(m.matches('bad words')).toBe(false);
    expect(m.matches('Ass.')).toBe(true);
  });

  it('counts duplicates (by their words) once', () => {
    expect(new WordMatcher(['Bad', 'bad', 'BAD!', 'bad word']).size).toBe(2);
  });

  it('splits text into words of letters, digits and marks', () => {
    expect(wordsOf("it's a-b_c 12x \u00e9t\u00e9 e\u0301")).toEqual(['it', 's', 'a', 'b', 'c', '12x', 'été', 'é']);
  });

  it('masks a 200-character message against 5,000 entries (its cost is measured by bench/filter-micro.mjs)', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x${i % 7 === 0 ? ' tail' : ''}`);
    const m = new WordMatcher(entries);
    const text = 'hello there w1x and w7x tail, the quick brown fox jumps over the lazy dog; '.repeat(3).slice(0, 200);
    expect(m.mask(text)).toContain('*** and *** ****');
    expect(m.mask(text)).toBe(m.mask(text));
  });
});
