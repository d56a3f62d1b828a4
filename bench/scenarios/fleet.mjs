// Fleet: many instances of our service on one machine in Redis mode (one database, one Redis),
// holding BENCH_FLEET_SOCKETS authenticated sockets spread evenly over them, from several generator
// processes (each under its own ~19,000-file limit, each from its own 127.x source addresses).
// A share of the players (BENCH_FLEET_CHATTING %) sit in party-size GROUP channels whose members
// are on different instances, and each of them sends one message every BENCH_FLEET_CHAT_INTERVAL_MS
// while every socket is held. Reports CONNECT time for the whole fleet, resident memory per instance
// and per socket (idle, holding, chatting), delivery latency across instances and CPU, with the
// machine's own load beside them (the machine is shared). Opt-in: BENCH_SCENARIOS=connections,fleet
// measures the single-instance figures (and the relay's) in the same run to compare with.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { hive, parallel } from '../lib/api.mjs';
import { cpuSeconds, nextMessage, rssBytes, settle, sleep, startGenerator, stop } from '../lib/proc.mjs';
import { startApp } from '../lib/servers.mjs';
import { Samples, median, round } from '../lib/stats.mjs';

const GEN = fileURLToPath(new URL('../gen/ws-fleet.mjs', import.meta.url));
const MB = 1024 * 1024;
/** Sockets per source address: well under the 28,000 ephemeral ports one address has. */
const SOCKETS_PER_ADDRESS = 10_000;
/** Player ids of the fleet, far above the other scenarios' ranges. */
const ID_BASE = 20_000_000;

/** Busy CPU seconds of the whole machine so far (every core, everybody's processes), from /proc/stat. */
function machineBusySeconds() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - fields[3] - fields[4]) / 100; // minus idle and iowait; clock ticks at 100 Hz
}

const sum = (list) => list.reduce((a, b) => a + b, 0);
const safeCpu = (pid) => {
  try {
    return cpuSeconds(pid);
  } catch {
    return 0;
  }
};
const safeRss = (pid) => {
  try {
    return rssBytes(pid);
  } catch {
    return NaN;
  }
};

/** used_memory and CPU seconds of the Redis server (shared with other users of the machine: a rough figure). */
async function redisInfo(redis) {
  const text = await redis.info();
  const get = (key) => Number(new RegExp(`^${key}:([\\d.]+)`, 'm').exec(text)?.[1] ?? NaN);
  return { usedMemory: get('used_memory'), cpu: get('used_cpu_sys') + get('used_cpu_user') };
}

/**
 * The event-loop delay p99 of each instance since its previous scrape, in ms (prom-client's
 * default metric: its histogram is reset by every collection, so a scrape first starts a window).
 */
async function loopLagP99(servers) {
  return Promise.all(
    servers.map(async (s) => {
      try {
        const text = await (await fetch(`${s.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
        const value = Number(/^nodejs_eventloop_lag_p99_seconds (\S+)/m.exec(text)?.[1]);
        return Number.isFinite(value) ? round(value * 1000, 1) : null;
      } catch {
        return null;
      }
    }),
  );
}

/** CPU seconds used by each group, and the whole machine's busy seconds, at one instant. */
function cpuSnapshot(servers, gens) {
  return {
    at: performance.now(),
    servers: sum(servers.map((s) => safeCpu(s.pid))),
    generators: sum(gens.map((g) => safeCpu(g.pid))),
    machine: machineBusySeconds(),
  };
}

/** Cores busy between two snapshots, per group (and Redis's from INFO). */
function coresBetween(a, b, redisA, redisB) {
  const seconds = (b.at - a.at) / 1000;
  const cores = (x) => round(x / seconds, 2);
  return {
    seconds: round(seconds, 1),
    servers: cores(b.servers - a.servers),
    generators: cores(b.generators - a.generators),
    redis: redisA && redisB ? cores(redisB.cpu - redisA.cpu) : null,
    machine: cores(b.machine - a.machine),
    serverCpuSeconds: round(b.servers - a.servers, 1),
  };
}

export async function fleet(ctx) {
  const { cfg, log } = ctx;
  const f = cfg.fleet;
  const generators = f.generators || Math.ceil(f.sockets / 17_000);
  const perGen = Math.ceil(f.sockets / generators);
  if (perGen > 19_000) throw new Error(`BENCH_FLEET_GENERATORS=${generators}: ${perGen} sockets per generator, over the ~19,000 a process may open here`);
  const prefix = `${cfg.redisPrefix}fleet:`;
  const env = { REDIS_URL: cfg.redisUrl, REDIS_PREFIX: prefix, DB_POOL_SIZE: String(f.dbPoolSize) };
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(cfg.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  const servers = [];
  const gens = [];
  const loads = { start: os.loadavg()[0] };
  try {
    // Instances: started together (the migrations already ran for the bench's first instance).
    servers.push(...(await Promise.all(Array.from({ length: f.instances }, (_, i) => startApp(cfg, `fleet-${i}`, env, { timeoutMs: 180_000 })))));
    const urls = servers.map((s) => s.wsUrl);
    log(`  fleet: ${f.instances} instances up (ready in ${servers.map((s) => Math.round(s.readyMs)).join(', ')} ms)`);

    // The generators' shares, their source addresses and their parties.
    const runByte = 1 + (parseInt(cfg.runId.slice(0, 2), 16) % 250); // fresh addresses per run: no TIME_WAIT reuse
    let addressNo = 0;
    const plans = [];
    for (let g = 0; g < generators; g++) {
      const count = Math.min(perGen, f.sockets - g * perGen);
      if (count <= 0) break;
      const addresses = Array.from({ length: Math.ceil(count / SOCKETS_PER_ADDRESS) }, () => `127.77.${runByte}.${++addressNo}`);
      const partyCount = Math.round((count * f.chattingPercent) / 100 / f.partySize);
      const parties = Array.from({ length: partyCount }, (_, p) => `fleet-${cfg.runId}-${g}-${p}`);
      plans.push({ g, count, addresses, parties, idStart: ID_BASE + g * perGen, offset: (g * perGen) % urls.length });
    }
    // Parties: GROUP channels created and entered through the Hive API before the members connect
    // (as a game server would), the calls spread over the instances.
    const members = [];
    for (const plan of plans) {
      for (const [p, channelId] of plan.parties.entries()) {
        members.push(...Array.from({ length: f.partySize }, (_, k) => ({ channelId, playerId: plan.idStart + p * f.partySize + k })));
      }
    }
    const channelIds = plans.flatMap((p) => p.parties);
    const setupStart = performance.now();
    await parallel(channelIds.length, 8, (i) =>
      hive(cfg, servers[i % servers.length].url).createChannel({
        channelId: channelIds[i],
        channelName: `party ${i}`,
        maxMemberCount: f.partySize,
        type: 'GROUP',
        chatHistoryAllowed: f.history,
      }),
    );
    await parallel(members.length, 16, (i) => hive(cfg, servers[i % servers.length].url).enter(members[i].channelId, members[i].playerId));
    log(`  fleet: ${channelIds.length} parties of ${f.partySize} (${members.length} chatting players) created and entered in ${Math.round(performance.now() - setupStart)} ms`);

    // Idle: every instance settled, before any socket.
    await Promise.all(servers.map((s) => settle(s.pid, { maxShare: 0.1, timeoutMs: 20_000 })));
    const rssIdle = servers.map((s) => safeRss(s.pid));
    const redisIdle = await redisInfo(redis);

    for (const plan of plans) {
      const child = startGenerator(`fleet-gen-${plan.g}`, GEN);
      gens.push(child);
      child.send({
        type: 'run',
        config: {
          urls,
          offset: plan.offset,
          localAddresses: plan.addresses,
          secret: cfg.jwtSecret,
          gameIndex: cfg.gameIndex,
          idStart: plan.idStart,
          count: plan.count,
          concurrency: f.concurrency,
          chatters: plan.parties.length * f.partySize,
          parties: plan.parties,
          partySize: f.partySize,
          deadlineMs: f.connectDeadlineSeconds * 1000,
        },
      });
    }
    await Promise.all(gens.map((child) => nextMessage(child, 'prepared', 120_000)));
    const progress = new Map();
    const onProgress = (g) => (msg) => msg?.type === 'progress' && progress.set(g, msg.ok);
    gens.forEach((child, g) => child.on('message', onProgress(g)));
    const ticker = setInterval(() => {
      const ok = sum([...progress.values()]);
      log(`  fleet: ${ok.toLocaleString('en-US')} sockets connected (load ${os.loadavg()[0].toFixed(1)})`);
    }, 15_000);
    const connected = Promise.all(gens.map((child) => nextMessage(child, 'connected', (f.connectDeadlineSeconds + 180) * 1000)));
    const cpuConnectStart = cpuSnapshot(servers, gens);
    const redisConnectStart = await redisInfo(redis);
    loads.connectStart = os.loadavg()[0];
    for (const child of gens) child.send({ type: 'go' });
    let reports;
    try {
      reports = await connected;
    } finally {
      clearInterval(ticker);
    }
    const cpuConnectEnd = cpuSnapshot(servers, gens);
    const redisConnectEnd = await redisInfo(redis);
    loads.connectEnd = os.loadavg()[0];
    const ok = sum(reports.map((x) => x.ok));
    const failed = sum(reports.map((x) => x.failed));
    const skipped = sum(reports.map((x) => x.skipped));
    const startedAt = Math.min(...reports.map((x) => x.startedAt));
    const endedAt = Math.max(...reports.map((x) => x.lastOkAt));
    const perInstanceSockets = servers.map((_, u) => sum(reports.map((x) => x.perUrl[u])));
    const connectCpu = coresBetween(cpuConnectStart, cpuConnectEnd, redisConnectStart, redisConnectEnd);
    const connectLatency = {
      p50: round(median(reports.map((x) => x.connectLatencyMs.p50))),
      p99Max: round(Math.max(...reports.map((x) => x.connectLatencyMs.p99 ?? 0))),
    };
    log(
      `  fleet: ${ok}/${f.sockets} connected in ${((endedAt - startedAt) / 1000).toFixed(1)} s (${failed} failed, ${skipped} not tried` +
        `${reports.find((x) => x.firstError)?.firstError ? `: ${reports.find((x) => x.firstError).firstError}` : ''}); ` +
        `cores busy: servers ${connectCpu.servers}, generators ${connectCpu.generators}, whole machine ${connectCpu.machine}`,
    );

    // Holding, idle: settled again (the CONNECTs' garbage collected as far as the instances do).
    await Promise.all(servers.map((s) => settle(s.pid, { maxShare: 0.1, timeoutMs: 30_000 })));
    const rssHeld = servers.map((s) => safeRss(s.pid));
    const genRssHeld = gens.map((g) => safeRss(g.pid));
    const redisHeld = await redisInfo(redis);
    loads.held = os.loadavg()[0];

    // Held and idle: what the fleet costs with nobody talking.
    const cpuIdleStart = cpuSnapshot(servers, gens);
    const redisIdleStart = await redisInfo(redis);
    await sleep(f.idleMs);
    const idleCpu = coresBetween(cpuIdleStart, cpuSnapshot(servers, gens), redisIdleStart, await redisInfo(redis));

    // Chat while every socket is held.
    let chatted = [];
    let chatLoopLag = [];
    let chatCpu = null;
    const rssChatMax = [...rssHeld];
    if (members.length) {
      const done = Promise.all(gens.map((child) => nextMessage(child, 'chatted', f.warmupMs + f.chatMs + 120_000)));
      for (const child of gens) child.send({ type: 'chat', warmupMs: f.warmupMs, durationMs: f.chatMs, intervalMs: f.chatIntervalMs });
      const sampler = setInterval(() => servers.forEach((s, i) => (rssChatMax[i] = Math.max(rssChatMax[i], safeRss(s.pid) || 0))), 1_000);
      await sleep(f.warmupMs);
      await loopLagP99(servers); // starts the instances' event-loop delay window
      const cpuChatStart = cpuSnapshot(servers, gens);
      const redisChatStart = await redisInfo(redis);
      await sleep(f.chatMs);
      const cpuChatEnd = cpuSnapshot(servers, gens);
      const redisChatEnd = await redisInfo(redis);
      chatLoopLag = await loopLagP99(servers);
      loads.chat = os.loadavg()[0];
      try {
        chatted = await done;
      } finally {
        clearInterval(sampler);
      }
      chatCpu = coresBetween(cpuChatStart, cpuChatEnd, redisChatStart, redisChatEnd);
    }
    const latencies = new Samples(1024);
    for (const x of chatted) for (const v of x.latencies) latencies.add(v);
    const deliveries = sum(chatted.map((x) => x.deliveries));
    const expected = sum(chatted.map((x) => x.expectedDeliveries));
    const acked = sum(chatted.map((x) => x.messagesAckedInWindow));

    const closing = Promise.all(gens.map((child) => nextMessage(child, 'result', 120_000)));
    for (const child of gens) child.send({ type: 'close' });
    const dropped = sum((await closing).map((x) => x.dropped));

    const held = ok - dropped;
    const kb = (bytes, sockets) => (sockets > 0 ? round(bytes / 1024 / sockets, 1) : null);
    const perInstance = servers.map((s, i) => ({
      sockets: perInstanceSockets[i],
      rssIdleMB: round(rssIdle[i] / MB),
      rssHeldMB: round(rssHeld[i] / MB),
      rssChatMaxMB: round(rssChatMax[i] / MB),
      kbPerSocket: kb(rssHeld[i] - rssIdle[i], perInstanceSockets[i]),
    }));
    const chatSeconds = f.chatMs / 1000;
    const out = {
      instances: servers.length,
      generators: plans.length,
      sourceAddresses: addressNo,
      openFilesLimit: Number(readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+(\d+)/)?.[1] ?? NaN),
      target: f.sockets,
      held,
      failed,
      notTried: skipped,
      dropped,
      firstError: reports.find((x) => x.firstError)?.firstError ?? null,
      connect: {
        seconds: round((endedAt - startedAt) / 1000, 1),
        perSec: round(ok / ((endedAt - startedAt) / 1000)),
        perCoreSecond: connectCpu.serverCpuSeconds > 0 ? round(ok / connectCpu.serverCpuSeconds) : null,
        latencyMs: connectLatency,
        concurrency: f.concurrency * plans.length,
        cores: connectCpu,
      },
      memory: {
        rssIdleTotalMB: round(sum(rssIdle) / MB),
        rssHeldTotalMB: round(sum(rssHeld) / MB),
        rssChatMaxTotalMB: round(sum(rssChatMax) / MB),
        kbPerSocket: kb(sum(rssHeld) - sum(rssIdle), ok),
        // Including each instance's idle footprint: what a box spends per player with this many instances.
        kbPerSocketAllIn: kb(sum(rssHeld), ok),
        idleCores: idleCpu,
        kbPerSocketChatting: kb(sum(rssChatMax) - sum(rssIdle), ok),
        generatorsRssMB: round(sum(genRssHeld) / MB),
        generatorKbPerSocket: kb(sum(genRssHeld), ok),
        redisBytesPerSocket: ok ? round((redisHeld.usedMemory - redisIdle.usedMemory) / ok) : null,
        perInstance,
      },
      chat: members.length
        ? {
            parties: channelIds.length,
            partySize: f.partySize,
            chattingPlayers: members.length,
            chattingShare: round(members.length / f.sockets, 4),
            intervalMs: f.chatIntervalMs,
            history: f.history,
            seconds: chatSeconds,
            messagesPerSec: round(acked / chatSeconds),
            deliveriesPerSec: round(deliveries / chatSeconds),
            deliveries,
            expectedDeliveries: expected,
            completeness: expected ? round(deliveries / expected, 4) : null,
            refused: sum(chatted.map((x) => x.messagesRefused)),
            latencyMs: latencies.summary(),
            ackP99Ms: round(Math.max(...chatted.map((x) => x.ackLatencyMs.p99 ?? 0))),
            ackP50Ms: round(median(chatted.map((x) => x.ackLatencyMs.p50))),
            cores: chatCpu,
            // Scheduling on the shared machine: how late timers fired in the instances and in the generators.
            serverLoopLagP99Ms: chatLoopLag,
            generatorLoopDelayP99Ms: chatted.map((x) => x.loopDelayMs.p99),
            generatorLoopDelayMaxMs: chatted.map((x) => x.loopDelayMs.max),
          }
        : null,
      machineLoad: Object.fromEntries(Object.entries(loads).map(([k, v]) => [k, round(v, 1)])),
    };
    out.goals = {
      held: { goal: `hold ${f.sockets.toLocaleString('en-US')} sockets`, value: held, met: held >= f.sockets },
      complete: { goal: 'every chat message reaches every other member', value: out.chat?.completeness ?? null, met: !out.chat || out.chat.completeness >= 1 },
    };
    log(
      `  fleet: held ${held}, RSS ${out.memory.rssIdleTotalMB} → ${out.memory.rssHeldTotalMB} MB (${out.memory.kbPerSocket} KB/socket; ` +
        `${out.memory.kbPerSocketAllIn} all-in), chat ${out.chat?.messagesPerSec} messages/s, ${out.chat?.deliveriesPerSec} deliveries/s, ` +
        `p50/p99 ${out.chat?.latencyMs.p50}/${out.chat?.latencyMs.p99} ms, completeness ${out.chat?.completeness}`,
    );
    return out;
  } finally {
    await Promise.all(gens.map((child) => stop(child, 'SIGKILL', 2_000)));
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    // The fleet's presence keys (and "last seen" keys, kept for days) go with it.
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } catch {
      /* Redis gone: nothing to clean */
    }
    redis.disconnect();
  }
}
