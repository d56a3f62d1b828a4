/**
 * A game's word list compiled once into a trie over whole words, so that checking a message costs
 * one pass over its words (a hash lookup each, a few more where a phrase starts) whatever the
 * length of the list. Rules (docs/chat-api.md#word-filter):
 *
 * - a word is a maximal run of Unicode letters, digits and combining marks;
 * - matching is case-insensitive, and compatibility forms count as their plain letters (full-width
 *   "ＢＡＤ" is "bad"); accents are letters of their own ("cafe" does not match "café");
 * - an entry of several words (a phrase) matches those words in a row, whatever non-word
 *   characters separate them; an entry never matches part of a longer word ("ass" leaves "class").
 */

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** Anything but printable ASCII (words hold no control characters): the slower key applies. */
const NOT_PLAIN_ASCII = /[^ -~]/;
/** One masked character: a letter or digit with its combining marks, or marks with no base. */
const MASKED_UNIT = /[\p{L}\p{N}]\p{M}*|\p{M}+/gu;

interface TrieNode {
  /** An entry ends at this word. */
  end: boolean;
  next: Map<string, TrieNode> | null;
}

/** The comparison form of one word: compatibility-normalised (NFKC) and lower-cased. */
export function wordKey(word: string): string {
  return NOT_PLAIN_ASCII.test(word) ? word.normalize('NFKC').toLowerCase() : word.toLowerCase();
}

/** The words of a text, as comparison keys. */
export function wordsOf(text: string): string[] {
  return Array.from(text.matchAll(WORD), (m) => wordKey(m[0]));
}

/** Whole words of a text with their positions (UTF-16 offsets). */
interface Token {
  start: number;
  end: number;
  key: string;
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, key: wordKey(m[0]) });
  }
  return out;
}

export class WordMatcher {
  private readonly root = new Map<string, TrieNode>();
  /** Number of distinct entries (by their words). */
  readonly size: number;

  /** Entries without any letter or digit can never match and are left out. */
  constructor(entries: readonly string[]) {
    let size = 0;
    for (const entry of entries) {
      const words = wordsOf(entry);
      if (words.length === 0) continue;
      let level = this.root;
      let node: TrieNode | undefined;
      for (const [i, word] of words.entries()) {
        node = level.get(word);
        if (!node) {
          node = { end: false, next: null };
          level.set(word, node);
        }
        if (i < words.length - 1) level = node.next ??= new Map<string, TrieNode>();
      }
      if (!node!.end) size++;
      node!.end = true;
    }
    this.size = size;
  }

  /** Whether any entry occurs in the text. */
  matches(text: string): boolean {
    if (this.size === 0) return false;
    const words = tokens(text);
    for (let i = 0; i < words.length; i++) if (this.longestAt(words, i) >= 0) return true;
    return false;
  }

  /**
   * The text with every letter and digit of every occurrence of an entry replaced by `*`
   * (combining marks go with their letter; separators inside a phrase stay). Overlapping
   * occurrences are all masked. The same string comes back when nothing matched.
   */
  mask(text: string): string {
    if (this.size === 0) return text;
    const words = tokens(text);
    let out = '';
    let copied = 0;
    // Masked ranges come in start order; one that overlaps the previous one extends it.
    let from = -1;
    let to = -1;
    for (let i = 0; i < words.length; i++) {
      const last = this.longestAt(words, i);
      if (last < 0) continue;
      const start = words[i].start;
      const end = words[last].end;
      if (start <= to) {
        to = Math.max(to, end);
        continue;
      }
      if (from >= 0) {
        out += text.slice(copied, from) + maskRange(text.slice(from, to));
        copied = to;
      }
      from = start;
      to = end;
    }
    if (from < 0) return text;
    return out + text.slice(copied, from) + maskRange(text.slice(from, to)) + text.slice(to);
  }

  /** Index of the last word of the longest entry starting at word i, or -1. */
  private longestAt(words: Token[], i: number): number {
    let node = this.root.get(words[i].key);
    let last = -1;
    for (let j = i; node;) {
      if (node.end) last = j;
      if (!node.next || ++j >= words.length) break;
      node = node.next.get(words[j].key);
    }
    return last;
  }
}

function maskRange(text: string): string {
  return text.replace(MASKED_UNIT, '*');
}
