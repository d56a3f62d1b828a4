// Summarises a .cpuprofile (as written with BENCH_PROFILE=1 or node --cpu-prof): the functions
// with the most self time, and the most total (inclusive) time, with their source locations.
//   node bench/profile-top.mjs bench/results/tmp/ours-<run>-fanout-500.cpuprofile [rows]
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-top.mjs <file.cpuprofile> [rows]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfTicks = new Map();
for (const id of profile.samples) selfTicks.set(id, (selfTicks.get(id) ?? 0) + 1);
const total = profile.samples.length;

const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/(node_modules|dist|src)\//, '$1/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};

const self = new Map();
const inclusive = new Map();
for (const [id, ticks] of selfTicks) {
  const key = label(byId.get(id));
  self.set(key, (self.get(key) ?? 0) + ticks);
  // Each distinct function on the stack once per sample.
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = label(byId.get(cur));
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + ticks);
  }
}

// Time by package / area (self time).
const areas = new Map();
for (const [key, ticks] of self) {
  const m = /(node_modules\/(@[^/]+\/[^/]+|[^/]+))|(dist\/src\/[^/]+)|(node:[a-z_/]+)/.exec(key);
  const area = m ? m[2] ?? m[3] ?? m[4] : key.startsWith('(') ? key.split(' ')[0] : 'other';
  areas.set(area, (areas.get(area) ?? 0) + ticks);
}

// Percentages of the busy samples (idle excluded): what the process spends its CPU on.
let idle = 0;
for (const [id, ticks] of selfTicks) if (byId.get(id).callFrame.functionName === '(idle)') idle += ticks;
const busy = Math.max(1, total - idle);
const pct = (t) => `${((100 * t) / busy).toFixed(1).padStart(5)}%`;
const print = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(t)}  ${k}`);
};
const seconds = (profile.endTime - profile.startTime) / 1e6;
console.log(`${file}: ${total} samples over ${seconds.toFixed(1)} s, ${((100 * busy) / total).toFixed(1)}% busy; percentages below are of the busy time`);
areas.delete('(idle)');
self.delete('(idle)');
inclusive.delete('(root)');
inclusive.delete('(idle)');
print('self time by area', areas, 15);
print('self time by function', self, rows);
print('total (inclusive) time by function', inclusive, rows);
