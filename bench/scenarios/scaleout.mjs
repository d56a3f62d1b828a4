// Scale-out: the fan-out scenario with two instances of our service behind Redis
// (members split across them, senders on both), vs two bare ws relays bridged by Redis the same
// way; then Redis publishes per message, counted with MONITOR during a separate fixed burst (MONITOR
// slows Redis, so it never runs while throughput is measured).
import { fileURLToPath } from 'node:url';
import { nextMessage, startGenerator, stop } from '../lib/proc.mjs';
import { startApp, startWsRelay } from '../lib/servers.mjs';
import { median, ratio, round } from '../lib/stats.mjs';
import { measureFanout, prepareOurChannel } from './fanout.mjs';

const GEN = fileURLToPath(new URL('../gen/ws-fanout.mjs', import.meta.url));

/** Counts the PUBLISH-family commands Redis executes while `work` runs, and those naming `needle`. */
async function countPublishes(redisUrl, needle, work) {
  const { default: Redis } = await import('ioredis');
  const client = new Redis(redisUrl, { lazyConnect: true });
  await client.connect();
  const monitor = await client.monitor();
  let total = 0;
  let matching = 0;
  const commands = {};
  monitor.on('monitor', (_time, args) => {
    const command = String(args[0]).toLowerCase();
    if (!command.includes('publish')) return;
    total++;
    if (args.slice(1).some((a) => String(a).includes(needle))) {
      matching++;
      commands[command] = (commands[command] ?? 0) + 1;
    }
  });
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    monitor.disconnect();
    client.disconnect();
  }
  return { total, matching, commands };
}

export async function scaleOut(ctx) {
  const { cfg, log } = ctx;
  const size = cfg.scaleOut.size;
  const redis = { REDIS_URL: cfg.redisUrl, REDIS_PREFIX: cfg.redisPrefix };
  const servers = [];
  try {
    servers.push(await startApp(cfg, 'scale-a', redis), await startApp(cfg, 'scale-b', redis));
    const relayEnv = { REDIS_URL: cfg.redisUrl, REDIS_PREFIX: `${cfg.redisPrefix}relay` };
    servers.push(await startWsRelay(cfg, 'scale-relay-a', relayEnv), await startWsRelay(cfg, 'scale-relay-b', relayEnv));
    const [a, b, ra, rb] = servers;
    const ours = await prepareOurChannel(ctx, a.url, { channelId: `bench-scale-${cfg.runId}`, size, history: false, idBase: 6_000_000 });
    const relayChannel = { channelId: `bench-scale-relay-${cfg.runId}`, memberIds: Array.from({ length: size }, (_, i) => 6_100_000 + i), enterViaWs: true };
    const variants = [
      ['baseline', { urls: [ra.wsUrl, rb.wsUrl], pids: [ra.pid, rb.pid], ...relayChannel }],
      ['ours', { urls: [a.wsUrl, b.wsUrl], pids: [a.pid, b.pid], ...ours }],
    ];
    const runs = { baseline: [], ours: [] };
    for (let r = 0; r < cfg.scaleOut.rounds; r++) {
      for (const [name, target] of r % 2 === 0 ? variants : [...variants].reverse()) {
        const res = await measureFanout(ctx, target);
        log(`  scale-out ${name.padEnd(8)} round ${r + 1}: ${res.deliveriesPerSec} deliveries/s, p99 ${res.p99Ms} ms at half load, completeness ${res.completeness}`);
        runs[name].push(res);
      }
    }
    // Redis publishes per message: a fixed burst with MONITOR on.
    const burst = cfg.scaleOut.monitorMessages;
    const gen = startGenerator('scale-monitor', GEN);
    let published;
    let burstResult;
    try {
      gen.send({
        type: 'run',
        config: {
          urls: [a.wsUrl, b.wsUrl],
          secret: cfg.jwtSecret,
          gameIndex: cfg.gameIndex,
          ...ours,
          senders: 2,
          phases: [{ kind: 'barrier', name: 'monitor' }, { name: 'burst', kind: 'count', messages: burst, rate: 20 }],
        },
      });
      await nextMessage(gen, 'barrier', 120_000);
      published = await countPublishes(cfg.redisUrl, ours.channelId, async () => {
        const done = nextMessage(gen, 'result', 120_000);
        gen.send({ type: 'continue' });
        burstResult = (await done).phases[0];
      });
    } finally {
      await stop(gen, 'SIGKILL', 2_000);
    }
    const summary = (list) => ({
      deliveriesPerSec: round(median(list.map((x) => x.deliveriesPerSec))),
      p50Ms: round(median(list.map((x) => x.p50Ms))),
      p99Ms: round(median(list.map((x) => x.p99Ms))),
      completeness: round(median(list.map((x) => x.completeness))),
      rounds: list,
    });
    const out = { instances: 2, size, baseline: summary(runs.baseline), ours: summary(runs.ours) };
    out.deliveriesRatio = ratio(out.ours.deliveriesPerSec, out.baseline.deliveriesPerSec);
    out.redis = {
      burstMessages: burstResult.messagesAcked,
      burstCompleteness: burstResult.deliveryCompleteness,
      publishesNamingChannel: published.matching,
      publishCommandsInWindow: published.total,
      commands: published.commands,
      publishesPerMessage: round(published.matching / Math.max(1, burstResult.messagesAcked), 2),
    };
    out.goals = {
      publishes: {
        goal: 'at most one Redis publish per instance with recipients (<= 2 here) per message',
        value: out.redis.publishesPerMessage,
        met: out.redis.publishesPerMessage <= 2,
      },
    };
    log(`  scale-out redis: ${published.matching} publishes naming the channel for ${burstResult.messagesAcked} messages (${out.redis.publishesPerMessage}/message; ${published.total} publish commands in the window)`);
    return out;
  } finally {
    for (const s of servers) await s.stop();
  }
}
