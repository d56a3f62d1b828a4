// Metrics and logs, micro figure: microseconds the observability adds per chat message (what the
// chat path now does more: one packet counter, one message counter, one delivery counter and one
// histogram observation, outside the per-recipient loop) and per HTTP request (two metrics and one
// JSON log line, written to /dev/null here), in this process, no I/O but the log write. The figures
// quoted in docs/performance.md come from here.
//
//   npm run build && node bench/metrics-micro.mjs
//
// Settings (env): RUNS (200000).
import { openSync } from 'node:fs';
import { pino } from 'pino';
import { createLogger } from '../dist/src/observability/logging/logger.js';
import { MetricsService } from '../dist/src/observability/metrics/metrics.service.js';
import { median } from './lib/stats.mjs';

const RUNS = Number(process.env.RUNS ?? 200_000);
const metrics = new MetricsService();
const log = createLogger({ level: 'info', format: 'json' }, pino.destination({ fd: openSync('/dev/null', 'w'), sync: true }));
const CHANNEL = { kind: 'channel' };

function perCall(fn) {
  for (let i = 0; i < 20_000; i++) fn();
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < RUNS / 5; i++) fn();
    rounds.push(Number(process.hrtime.bigint() - start) / 1000 / (RUNS / 5));
  }
  return Math.round(median(rounds) * 1000) / 1000;
}

const result = {
  chatMessageMicros: perCall(() => {
    const arrivedAt = performance.now();
    metrics.messages.inc(CHANNEL);
    metrics.delivered(arrivedAt, 99);
    metrics.wsPackets.inc({ type: 'CHANNEL_CHAT', status: 200 });
  }),
  httpRequestMicros: perCall(() => {
    const route = '/api/v1/games/:gameIndex/channels/:channelId';
    metrics.httpRequests.inc({ method: 'GET', route, status: 200 });
    metrics.httpDuration.observe({ method: 'GET', route }, 0.004);
    log.info({ context: 'Http', msg: 'request completed', reqId: '3f7792c6-da76-400c-b555-af325d3b8149', method: 'GET', route, status: 200, durationMs: 4.2, gameIndex: 1 });
  }),
  scrapeMillis: await (async () => {
    const start = performance.now();
    for (let i = 0; i < 20; i++) await metrics.registry.metrics();
    return Math.round(((performance.now() - start) / 20) * 100) / 100;
  })(),
};
console.log(JSON.stringify(result));
