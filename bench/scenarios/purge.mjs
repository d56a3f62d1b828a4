// Purge: 100,000 empty player-owned channels purged by the scheduled job of a running
// instance (PURGE_INTERVAL=1), while steady API traffic (enter→exit cycles at a fixed rate) runs
// against that same instance: the time the purge takes, and the API's p99 during it vs at rest.
import { fileURLToPath } from 'node:url';
import { hive } from '../lib/api.mjs';
import { countPrefix, seedPurgeable } from '../lib/db.mjs';
import { nextMessage, sleep, startGenerator, stop } from '../lib/proc.mjs';
import { startApp } from '../lib/servers.mjs';
import { ratio, round, summarize } from '../lib/stats.mjs';

const GEN = fileURLToPath(new URL('../gen/http-load.mjs', import.meta.url));

export async function purge(ctx) {
  const { cfg, log } = ctx;
  const count = cfg.purge.channels;
  const prefix = `bench-purge-${cfg.runId}-`;
  const app = await startApp(cfg, 'purge-app', { PURGE_INTERVAL: '1' });
  let gen = null;
  try {
    const api = hive(cfg, app.url);
    const users = [];
    for (let i = 0; i < 10; i++) {
      const channelId = `bench-purge-load-${cfg.runId}-${i}`;
      await api.createChannel({ channelId, channelName: 'purge load', maxMemberCount: 100, type: 'GROUP' });
      users.push({ headers: { authorization: `Bearer ${cfg.serverKey}` }, vars: { channelId, playerId: 4_500_000 + i } });
    }
    const base = `/api/v1/games/${cfg.gameIndex}/channels`;
    gen = startGenerator('purge-load', GEN);
    gen.send({
      type: 'run',
      config: {
        baseUrl: app.url,
        users,
        warmupMs: cfg.warmupMs,
        durationMs: null,
        cyclesPerSec: cfg.purge.rate,
        timeline: true,
        steps: [
          { name: 'enter', method: 'POST', path: `${base}/{channelId}/enter`, body: { playerId: '{playerId}' } },
          { name: 'exit', method: 'POST', path: `${base}/{channelId}/exit`, body: { playerId: '{playerId}' } },
        ],
      },
    });
    await nextMessage(gen, 'measuring', 30_000);
    const restStart = performance.timeOrigin + performance.now();
    await sleep(cfg.purge.restMs);
    const restEnd = performance.timeOrigin + performance.now();

    log(`  seeding ${count} purgeable channels`);
    await seedPurgeable(cfg.databaseUrl, cfg.gameIndex, count, prefix, 5_000_000);
    const seededAt = performance.timeOrigin + performance.now();
    let firstDeleteAt = null;
    let doneAt = null;
    const deadline = performance.now() + Math.max(60_000, count); // ~1 ms a channel at worst
    while (performance.now() < deadline) {
      const left = await countPrefix(cfg.databaseUrl, cfg.gameIndex, prefix);
      const now = performance.timeOrigin + performance.now();
      if (left < count && firstDeleteAt === null) firstDeleteAt = now;
      if (left === 0) {
        doneAt = now;
        break;
      }
      await sleep(200);
    }
    await sleep(1000);
    const resultPromise = nextMessage(gen, 'result', 60_000);
    gen.send({ type: 'stop' });
    const load = await resultPromise;
    const rest = [];
    const during = [];
    const windowStart = firstDeleteAt ?? seededAt;
    const windowEnd = doneAt ?? performance.timeOrigin + performance.now();
    for (let i = 0; i < load.timeline.length; i += 2) {
      const [at, ms] = [load.timeline[i], load.timeline[i + 1]];
      const startedAt = at - ms;
      if (startedAt >= restStart && at <= restEnd) rest.push(ms);
      else if (at >= windowStart && startedAt <= windowEnd) during.push(ms);
    }
    const restStats = summarize(rest);
    const duringStats = summarize(during);
    const out = {
      channels: count,
      seconds: doneAt && firstDeleteAt ? round((doneAt - firstDeleteAt) / 1000) : null,
      secondsFromSeed: doneAt ? round((doneAt - seededAt) / 1000) : null,
      finished: doneAt !== null,
      load: { cyclesPerSec: cfg.purge.rate, failedRequests: load.failedRequests, statuses: load.statuses, errorSamples: load.errorSamples },
      restLatencyMs: restStats,
      duringLatencyMs: duringStats,
    };
    out.p99Ratio = ratio(duringStats.p99, restStats.p99);
    out.goals = {
      time: { goal: '<= 10 s for the purge', value: out.seconds, met: out.finished && out.seconds <= 10 },
      p99: { goal: 'API p99 during <= 2x at rest', value: out.p99Ratio, met: out.p99Ratio !== null && out.p99Ratio <= 2 },
    };
    log(
      `  purge: ${count} channels in ${out.seconds ?? 'n/a'} s (first delete ${round(((firstDeleteAt ?? seededAt) - seededAt) / 1000)} s after seeding); ` +
        `API p99 ${restStats.p99} ms at rest, ${duringStats.p99} ms during (${during.length} requests)`,
    );
    await ctx.profile?.('purge', app);
    return out;
  } finally {
    if (gen) await stop(gen, 'SIGKILL', 2_000);
    await app.stop();
  }
}
