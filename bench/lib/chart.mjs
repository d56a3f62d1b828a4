// The bench's picture, as SVG text (no encoder, no pixel font): deliveries/s at saturation and
// p99 latency at half load vs channel size, ours (history off, and on where measured) vs the
// bare ws relay baseline.

const INK = '#282828';
const GRID = '#e1e1e1';
const SERIES = [
  { key: 'baseline', label: 'baseline (bare ws relay)', color: '#5a5a5a', dash: 6 },
  { key: 'historyOff', label: 'ours, history off', color: '#e67814', dash: 0 },
  { key: 'historyOn', label: 'ours, history on (points)', color: '#c81e3c', dash: 0, pointsOnly: true },
];

function niceMax(value) {
  if (!(value > 0)) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * exp >= value) return m * exp;
  return 10 * exp;
}

function short(value) {
  if (value >= 1_000_000) return `${+(value / 1_000_000).toFixed(1)}M`;
  if (value >= 1000) return `${+(value / 1000).toFixed(1)}K`;
  return `${+value.toFixed(value < 10 ? 1 : 0)}`;
}

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const r = (n) => Math.round(n * 10) / 10;

/** Collects SVG elements. */
class Svg {
  parts = [];
  line(x1, y1, x2, y2, color, width = 1, dash = 0) {
    const d = dash ? ` stroke-dasharray="${dash}"` : '';
    this.parts.push(`<line x1="${r(x1)}" y1="${r(y1)}" x2="${r(x2)}" y2="${r(y2)}" stroke="${color}" stroke-width="${width}"${d}/>`);
  }
  disc(x, y, radius, color) {
    this.parts.push(`<circle cx="${r(x)}" cy="${r(y)}" r="${radius}" fill="${color}"/>`);
  }
  text(x, y, text, color, size = 14, anchor = 'start') {
    this.parts.push(`<text x="${r(x)}" y="${r(y)}" fill="${color}" font-size="${size}" text-anchor="${anchor}">${escape(text)}</text>`);
  }
  render(width, height) {
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
      `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
      ...this.parts,
      '</svg>',
      '',
    ].join('\n');
  }
}

function panel(c, x0, y0, w, h, title, sizes, bySize, metric) {
  const left = x0 + 78;
  const right = x0 + w - 20;
  const top = y0 + 46;
  const bottom = y0 + h - 60;
  c.text(x0 + w / 2, y0 + 26, title, INK, 18, 'middle');
  const values = bySize.flatMap((e) => SERIES.map((s) => e[s.key]?.[metric])).filter((v) => typeof v === 'number');
  const max = niceMax(Math.max(...values, 0) * 1.05);
  for (let t = 0; t <= 5; t++) {
    const y = bottom - ((bottom - top) * t) / 5;
    c.line(left, y, right, y, GRID);
    c.text(left - 8, y + 5, short((max * t) / 5), INK, 14, 'end');
  }
  c.line(left, top, left, bottom, INK, 2);
  c.line(left, bottom, right, bottom, INK, 2);
  const xAt = (i) => left + ((right - left) * (i + 0.5)) / sizes.length;
  sizes.forEach((size, i) => {
    c.line(xAt(i), bottom, xAt(i), bottom + 6, INK, 2);
    c.text(xAt(i), bottom + 24, String(size), INK, 14, 'middle');
  });
  c.text((left + right) / 2, bottom + 48, 'members in the channel', INK, 14, 'middle');
  const yAt = (v) => bottom - ((bottom - top) * v) / max;
  for (const s of SERIES) {
    const points = sizes
      .map((size, i) => [i, bySize.find((e) => e.size === size)?.[s.key]?.[metric]])
      .filter(([, v]) => typeof v === 'number');
    for (let k = 1; k < points.length && !s.pointsOnly; k++) {
      c.line(xAt(points[k - 1][0]), yAt(points[k - 1][1]), xAt(points[k][0]), yAt(points[k][1]), s.color, 3, s.dash);
    }
    for (const [i, v] of points) c.disc(xAt(i), yAt(v), 5, s.color);
  }
}

/** SVG text of the two-panel chart from `fanout.bySize`. */
export function fanoutChart(bySize, caption) {
  const width = 1200;
  const height = 520;
  const c = new Svg();
  const sizes = bySize.map((e) => e.size).sort((a, b) => a - b);
  panel(c, 0, 0, width / 2, height - 50, 'deliveries/s at saturation', sizes, bySize, 'deliveriesPerSec');
  panel(c, width / 2, 0, width / 2, height - 50, 'p99 ms at half load', sizes, bySize, 'p99Ms');
  let x = 40;
  for (const s of SERIES) {
    c.line(x, height - 38, x + 36, height - 38, s.color, 3, s.dash);
    c.disc(x + 18, height - 38, 5, s.color);
    c.text(x + 46, height - 33, s.label, INK, 14);
    x += 46 + s.label.length * 8 + 30;
  }
  if (caption) c.text(width - 20, height - 10, caption, '#787878', 11, 'end');
  return c.render(width, height);
}
