// Small statistics helpers shared by the bench and its generators.

/** Latency recorder: keeps every sample (a few hundred thousand at most) in a growable Float64Array. */
export class Samples {
  constructor(initial = 1 << 16) {
    this.values = new Float64Array(initial);
    this.length = 0;
  }
  add(value) {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
  summary() {
    return summarize(this.values.subarray(0, this.length));
  }
}

/** count, mean, p50, p90, p99, max of a list of numbers (milliseconds), rounded to 0.01. */
export function summarize(list) {
  const sorted = Float64Array.from(list).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, mean: null, p50: null, p90: null, p99: null, max: null };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    count: n,
    mean: round(sum / n),
    p50: round(quantile(sorted, 0.5)),
    p90: round(quantile(sorted, 0.9)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted[n - 1]),
  };
}

export function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

export function median(values) {
  const list = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (list.length === 0) return null;
  const mid = Math.floor(list.length / 2);
  return list.length % 2 ? list[mid] : (list[mid - 1] + list[mid]) / 2;
}

export function round(value, digits = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** ours / baseline, rounded; null when either is missing. */
export function ratio(ours, baseline, digits = 3) {
  if (typeof ours !== 'number' || typeof baseline !== 'number' || !baseline) return null;
  return round(ours / baseline, digits);
}
