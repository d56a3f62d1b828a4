// Word filter, micro figure: microseconds to mask (and to check, refuse mode) one 200-character
// chat message against a compiled list of 5,000 entries, in this process, no I/O. The figure
// quoted in docs/performance.md comes from here.
//
//   npm run build && node bench/filter-micro.mjs
//
// Settings (env): BENCH_FILTER_WORDS (5000), MESSAGE_CHARS (200), RUNS (200000).
import { WordMatcher } from '../dist/src/moderation/word-matcher.js';
import { median } from './lib/stats.mjs';
import { chatText, wordList } from './lib/word-list.mjs';

const WORDS = Number(process.env.BENCH_FILTER_WORDS ?? 5000);
const CHARS = Number(process.env.MESSAGE_CHARS ?? 200);
const RUNS = Number(process.env.RUNS ?? 200_000);

const words = wordList(WORDS);
const compileStart = performance.now();
const matcher = new WordMatcher(words);
const compileMs = performance.now() - compileStart;
const hit = chatText(words, CHARS);
const clean = chatText([], CHARS);

function perMessage(fn, text) {
  for (let i = 0; i < 20_000; i++) fn(text);
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < RUNS / 5; i++) fn(text);
    rounds.push(Number(process.hrtime.bigint() - start) / 1000 / (RUNS / 5));
  }
  return Math.round(median(rounds) * 100) / 100;
}

const result = {
  entries: matcher.size,
  compileMs: Math.round(compileMs * 10) / 10,
  messageChars: hit.length,
  maskWithHitsMicros: perMessage((t) => matcher.mask(t), hit),
  maskCleanMicros: perMessage((t) => matcher.mask(t), clean),
  checkCleanMicros: perMessage((t) => matcher.matches(t), clean),
  emptyListMicros: perMessage((t) => new WordMatcher([]).mask(t), clean),
  masked: matcher.mask(hit),
};
console.log(JSON.stringify(result, null, 2));
