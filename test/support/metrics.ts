import request from 'supertest';

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One scrape of `GET /metrics`, parsed. */
export class Scrape {
  constructor(
    readonly text: string,
    readonly series: Series[],
  ) {}

  /** The sum of the series of `name` whose labels include `labels` (0 when there is none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((sum, s) => sum + s.value, 0);
  }

  matching(name: string, labels: Record<string, string> = {}): Series[] {
    return this.series.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }

  /** Every value the label takes across the series of `name`. */
  labelValues(name: string, label: string): string[] {
    return [...new Set(this.matching(name).map((s) => s.labels[label]))];
  }
}

/** Prometheus text format → series (comments skipped). */
export function parseMetrics(text: string): Scrape {
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    series.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return new Scrape(text, series);
}

/** Scrapes `GET /metrics` of the app at `url` (with the token, if given); fails unless 200. */
export async function scrape(url: string, token?: string): Promise<Scrape> {
  const req = request(url).get('/metrics');
  const res = await (token ? req.set('Authorization', `Bearer ${token}`) : req).expect(200);
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseMetrics(res.text);
}
