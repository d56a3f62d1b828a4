// Cluster: the fan-out scenario on a 3-primary Redis Cluster (sharded pub/sub) with one, two and four
// instances of our service (a channel's members spread round-robin over them, senders on each), vs
// one, two and four bare ws relays bridged by the same Redis (every relay receives every message).
// Then Redis pushes per message: a fixed burst with the channel's members on all four instances,
// and one with them on two of the four (the other two holding members of another channel), counted
// by every instance (partychat_bus_received_total{channel="topic"}), and the publishes naming the
// channel, seen with MONITOR on every primary. The cluster is started here unless BENCH_REDIS_CLUSTER_URL
// names a running one (lib/redis-cluster.mjs).
import { fileURLToPath } from 'node:url';
import { nextMessage, sleep, startGenerator, stop } from '../lib/proc.mjs';
import { publishesNaming, useRedisCluster } from '../lib/redis-cluster.mjs';
import { startApp, startWsRelay } from '../lib/servers.mjs';
import { median, ratio, round } from '../lib/stats.mjs';
import { measureFanout, prepareOurChannel } from './fanout.mjs';

const GEN = fileURLToPath(new URL('../gen/ws-fanout.mjs', import.meta.url));
const COUNTS = [1, 2, 4];

/** Chat pushes this instance received from Redis so far. */
async function topicPushes(app) {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return Number(/^partychat_bus_received_total\{channel="topic"\} (\S+)$/m.exec(text)?.[1] ?? 0);
}

/** A generator connecting `channel`'s members to `urls`, holding them until stopped (returns the process). */
async function hold(cfg, urls, channel) {
  const gen = startGenerator('cluster-hold', GEN);
  gen.send({
    type: 'run',
    config: { urls, secret: cfg.jwtSecret, gameIndex: cfg.gameIndex, ...channel, senders: 1, phases: [{ kind: 'barrier', name: 'hold' }] },
  });
  await nextMessage(gen, 'barrier', 120_000);
  return gen;
}

/** A burst of `messages` at 20/s with the channel's members on `urls`: pushes per message seen by each of `apps`, publishes per message. */
async function pushesPerMessage(ctx, { urls, apps, nodes, channel, messages }) {
  const { cfg } = ctx;
  const gen = startGenerator('cluster-pushes', GEN);
  try {
    gen.send({
      type: 'run',
      config: {
        urls,
        secret: cfg.jwtSecret,
        gameIndex: cfg.gameIndex,
        ...channel,
        senders: 2,
        phases: [
          { kind: 'barrier', name: 'pushes' },
          { name: 'burst', kind: 'count', messages, rate: 20 },
        ],
      },
    });
    await nextMessage(gen, 'barrier', 120_000);
    // The connects' own broadcasts (claims, presence) die down first: only the burst's publishes are counted.
    await sleep(2_000);
    const before = await Promise.all(apps.map(topicPushes));
    let burst;
    const published = await publishesNaming(nodes, channel.channelId, async () => {
      const done = nextMessage(gen, 'result', 120_000);
      gen.send({ type: 'continue' });
      burst = (await done).phases[0];
    });
    const after = await Promise.all(apps.map(topicPushes));
    const acked = Math.max(1, burst.messagesAcked);
    const perInstance = after.map((n, i) => round((n - before[i]) / acked, 2));
    return {
      messages: burst.messagesAcked,
      completeness: burst.deliveryCompleteness,
      pushesPerMessage: round(
        perInstance.reduce((a, b) => a + b, 0),
        2,
      ),
      perInstance,
      publishesPerMessage: round(published / acked, 2),
    };
  } finally {
    await stop(gen, 'SIGKILL', 2_000);
  }
}

export async function cluster(ctx) {
  const { cfg, log } = ctx;
  const { size, rounds, burstMessages } = cfg.cluster;
  const redis = await useRedisCluster(cfg);
  log(`  cluster: Redis Cluster at ${redis.nodes.join(', ')}${redis.started ? ' (started for this run)' : ''}`);
  const apps = [];
  const relays = [];
  let holder = null;
  try {
    // Five instances (the bench's own included) at the usual pool of 20 would take all of PostgreSQL's 100 connections.
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: `${cfg.redisPrefix}cl:`, REDIS_CLUSTER: 'true', DB_POOL_SIZE: '8' };
    for (let i = 0; i < 4; i++) apps.push(await startApp(cfg, `cluster-${i}`, env));
    const relayEnv = { REDIS_URL: redis.url, REDIS_PREFIX: `${cfg.redisPrefix}clrelay` };
    for (let i = 0; i < 4; i++) relays.push(await startWsRelay(cfg, `cluster-relay-${i}`, relayEnv));
    const targets = {};
    for (const [v, n] of COUNTS.entries()) {
      const ours = await prepareOurChannel(ctx, apps[0].url, {
        channelId: `bench-cl${n}-${cfg.runId}`,
        size,
        history: false,
        idBase: 7_000_000 + v * 100_000,
      });
      const relayMembers = Array.from({ length: size }, (_, i) => 7_500_000 + v * 100_000 + i);
      const pick = (list) => list.slice(0, n);
      targets[`ours${n}`] = { urls: pick(apps).map((s) => s.wsUrl), pids: pick(apps).map((s) => s.pid), senders: Math.max(4, n), ...ours };
      targets[`relay${n}`] = {
        urls: pick(relays).map((s) => s.wsUrl),
        pids: pick(relays).map((s) => s.pid),
        senders: Math.max(4, n),
        channelId: `bench-clrelay${n}-${cfg.runId}`,
        memberIds: relayMembers,
        enterViaWs: true,
      };
    }
    const names = COUNTS.flatMap((n) => [`relay${n}`, `ours${n}`]);
    const runs = Object.fromEntries(names.map((name) => [name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const name of r % 2 === 0 ? names : [...names].reverse()) {
        const res = await measureFanout(ctx, targets[name]);
        log(
          `  cluster ${name.padEnd(7)} round ${r + 1}: ${res.deliveriesPerSec} deliveries/s (${res.serverCores} server cores), p99 ${res.p99Ms} ms at half load, completeness ${res.completeness}`,
        );
        runs[name].push(res);
      }
    }
    // BENCH_CLUSTER_ROUNDS=0: only the pushes per message.
    const summary = (list) => ({
      deliveriesPerSec: round(median(list.map((x) => x.deliveriesPerSec))),
      serverCores: round(median(list.map((x) => x.serverCores))),
      p50Ms: round(median(list.map((x) => x.p50Ms))),
      p99Ms: round(median(list.map((x) => x.p99Ms))),
      completeness: round(median(list.map((x) => x.completeness))),
      rounds: list,
    });
    const out = { size, redis: { nodes: redis.nodes.length, startedHere: redis.started } };
    if (rounds > 0) for (const name of names) out[name] = summary(runs[name]);
    if (rounds > 0) out.oursFourVsOne = ratio(out.ours4.deliveriesPerSec, out.ours1.deliveriesPerSec);
    if (rounds > 0) {
      out.oursFourVsRelayFour = ratio(out.ours4.deliveriesPerSec, out.relay4.deliveriesPerSec);
      out.relayFourVsOne = ratio(out.relay4.deliveriesPerSec, out.relay1.deliveriesPerSec);
    }

    // Pushes per message: members on all four instances, then on two of them while the other two hold another channel.
    const nodes = redis.nodes;
    out.pushesAll = await pushesPerMessage(ctx, { urls: targets.ours4.urls, apps, nodes, channel: targets.ours4, messages: burstMessages });
    const idle = await prepareOurChannel(ctx, apps[0].url, {
      channelId: `bench-clidle-${cfg.runId}`,
      size: 40,
      history: false,
      idBase: 7_900_000,
    });
    holder = await hold(cfg, [apps[2].wsUrl, apps[3].wsUrl], idle);
    const twoOfFour = await prepareOurChannel(ctx, apps[0].url, {
      channelId: `bench-cl2of4-${cfg.runId}`,
      size,
      history: false,
      idBase: 7_800_000,
    });
    out.pushesTwoOfFour = await pushesPerMessage(ctx, {
      urls: [apps[0].wsUrl, apps[1].wsUrl],
      apps,
      nodes,
      channel: twoOfFour,
      messages: burstMessages,
    });
    out.goals = {
      pushesAll: {
        goal: 'pushes per message = instances with recipients (4)',
        value: out.pushesAll.pushesPerMessage,
        met: out.pushesAll.pushesPerMessage <= 4,
      },
      pushesTwoOfFour: {
        goal: 'pushes per message = instances with recipients (2 of 4), never all',
        value: out.pushesTwoOfFour.pushesPerMessage,
        met:
          out.pushesTwoOfFour.pushesPerMessage <= 2 && out.pushesTwoOfFour.perInstance[2] === 0 && out.pushesTwoOfFour.perInstance[3] === 0,
      },
    };
    log(
      `  cluster pushes/message: ${out.pushesAll.pushesPerMessage} with members on 4 of 4 (${out.pushesAll.perInstance.join(' / ')}), ` +
        `${out.pushesTwoOfFour.pushesPerMessage} on 2 of 4 (${out.pushesTwoOfFour.perInstance.join(' / ')}); publishes/message ${out.pushesAll.publishesPerMessage} / ${out.pushesTwoOfFour.publishesPerMessage}`,
    );
    return out;
  } finally {
    if (holder) await stop(holder, 'SIGKILL', 2_000);
    for (const s of [...apps, ...relays]) await s.stop();
    redis.stop();
  }
}
