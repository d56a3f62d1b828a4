// The bench's picture: deliveries/s at saturation and p99 latency at half load vs channel size,
// ours (history off, and on where measured) vs the bare ws relay baseline.
import { Canvas } from './png.mjs';

const INK = [40, 40, 40];
const GRID = [225, 225, 225];
const SERIES = [
  { key: 'baseline', label: 'baseline (bare ws relay)', color: [90, 90, 90], dash: 6 },
  { key: 'historyOff', label: 'ours, history off', color: [230, 120, 20], dash: 0 },
  { key: 'historyOn', label: 'ours, history on (points)', color: [200, 30, 60], dash: 0, pointsOnly: true },
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

function panel(c, x0, y0, w, h, title, sizes, bySize, metric) {
  const left = x0 + 78;
  const right = x0 + w - 20;
  const top = y0 + 46;
  const bottom = y0 + h - 60;
  c.text(x0 + w / 2, y0 + 12, title, INK, 2, 'center');
  const values = bySize.flatMap((e) => SERIES.map((s) => e[s.key]?.[metric])).filter((v) => typeof v === 'number');
  const max = niceMax(Math.max(...values, 0) * 1.05);
  for (let t = 0; t <= 5; t++) {
    const y = bottom - ((bottom - top) * t) / 5;
    c.line(left, y, right, y, GRID);
    c.text(left - 8, y - 7, short((max * t) / 5), INK, 2, 'right');
  }
  c.line(left, top, left, bottom, INK, 2);
  c.line(left, bottom, right, bottom, INK, 2);
  const xAt = (i) => left + ((right - left) * (i + 0.5)) / sizes.length;
  sizes.forEach((size, i) => {
    c.line(xAt(i), bottom, xAt(i), bottom + 6, INK, 2);
    c.text(xAt(i), bottom + 12, String(size), INK, 2, 'center');
  });
  c.text((left + right) / 2, bottom + 38, 'members in the channel', INK, 2, 'center');
  const yAt = (v) => bottom - ((bottom - top) * v) / max;
  for (const s of SERIES) {
    const points = sizes
      .map((size, i) => [i, bySize.find((e) => e.size === size)?.[s.key]?.[metric]])
      .filter(([, v]) => typeof v === 'number');
    for (let k = 1; k < points.length && !s.pointsOnly; k++) {
      c.line(xAt(points[k - 1][0]), yAt(points[k - 1][1]), xAt(points[k][0]), yAt(points[k][1]), s.color, 3, s.dash);
    }
    for (const [i, v] of points) c.disc(Math.round(xAt(i)), Math.round(yAt(v)), 5, s.color);
  }
}

/** PNG bytes of the two-panel chart from `fanout.bySize`. */
export function fanoutChart(bySize, caption) {
  const width = 1200;
  const height = 520;
  const c = new Canvas(width, height);
  const sizes = bySize.map((e) => e.size).sort((a, b) => a - b);
  panel(c, 0, 0, width / 2, height - 50, 'deliveries/s at saturation', sizes, bySize, 'deliveriesPerSec');
  panel(c, width / 2, 0, width / 2, height - 50, 'p99 ms at half load', sizes, bySize, 'p99Ms');
  let x = 40;
  for (const s of SERIES) {
    c.line(x, height - 38, x + 36, height - 38, s.color, 3, s.dash);
    c.disc(x + 18, height - 38, 5, s.color);
    x += 48 + c.text(x + 46, height - 45, s.label, INK, 2) + 30;
  }
  if (caption) c.text(width - 20, height - 18, caption, [120, 120, 120], 1, 'right');
  return c.png();
}
