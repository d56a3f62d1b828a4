// A deterministic word list and chat text for the word-filter measurements: `count` entries of
// 4-10 letters (every 10th a two-word phrase, every 50th in Cyrillic), and a 200-character message
// of ordinary words with two listed entries in it, so mask mode has something to mask.

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const CYRILLIC = 'абвгдежзийклмнопрстуфхцчшщыэюя';

function word(next, alphabet) {
  const length = 4 + Math.floor(next() * 7);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

/** `count` distinct entries. */
export function wordList(count, seed = 42) {
  const next = random(seed);
  const entries = new Set();
  while (entries.size < count) {
    const i = entries.size;
    const alphabet = i % 50 === 49 ? CYRILLIC : LATIN;
    entries.add(i % 10 === 9 ? `${word(next, alphabet)} ${word(next, alphabet)}` : word(next, alphabet));
  }
  return [...entries];
}

const ORDINARY =
  'the quick brown fox jumps over lazy dog while our raid waits near gate three for healer and tank who said they would come back soon after dinner so please hold position'.split(
    ' ',
  );

/** A chat message of exactly `chars` characters (at least 40) holding two entries of `words` (when any). */
export function chatText(words, chars = 200) {
  const hits = words.length ? [words[0], words[Math.min(9, words.length - 1)]] : [];
  let text = hits.length ? `${hits[0]} ` : '';
  for (let i = 0; text.length < chars; i++) {
    text += `${ORDINARY[i % ORDINARY.length]} `;
    if (i === 12 && hits[1]) text += `${hits[1]}! `;
  }
  return text.slice(0, chars);
}
