// Mass reconnect: two instances in Redis mode hold `players` authenticated sockets between them;
// every socket is cut at once (a network blip, a load balancer restart) and each player comes back
// after a jitter drawn uniformly from `jitterMs`, through the other instance, with RECONNECT and
// the positions its CONNECT answered. Players are in guilds: GROUP channels (history on) of
// `guild` members seeded in SQL (0: no channel), so CONNECT has streams and a presence audience.
// Baseline: two ws relays bridged by Redis, same players, same jitter, CONNECT (they have nothing
// to resume). Measured per variant: seconds from the drop until the last player is online again
// (its CONNECT/RECONNECT answered 200), reconnects per second from the first attempt to the last
// answer, the servers' CPU per reconnect (from the drop until both have settled: disconnect
// clean-ups included), and for ours the statements PostgreSQL executed, from its own statement
// log (lib/pg-log.mjs), per reconnect, with the drop's and the reconnects' shares (by log time)
// and the statements by kind.
// Then the CONNECT rate of ONE instance (in Redis mode, fresh players, `single.target` CONNECTs,
// 50 at a time per generator) against one relay, alternating, as in the connections scenario.
import { fileURLToPath } from 'node:url';
import { recreateDatabase, withClient } from '../lib/db.mjs';
import { countByKind, logMark, logStatements, pgLogReadable, statementsSince } from '../lib/pg-log.mjs';
import { cpuSeconds, nextMessage, settle, startGenerator, stop } from '../lib/proc.mjs';
import { startApp, startWsRelay } from '../lib/servers.mjs';
import { median, ratio, round } from '../lib/stats.mjs';
import { measure as measureConnects } from './connections.mjs';

const GEN = fileURLToPath(new URL('../gen/ws-storm.mjs', import.meta.url));
/** Players of the storm: ids from here (ours and the relay's players do not share anything anyway). */
const ID_BASE = 7_000_000;

/** `players` players from ID_BASE in GROUP channels (history on) of `guild` members each. */
async function seedGuilds(url, gameIndex, players, guild, prefix) {
  if (guild <= 0) return 0;
  const guilds = Math.ceil(players / guild);
  await withClient(url, async (c) => {
    await c.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, chat_history_allowed, member_count, created_at)
       SELECT $1, $2 || g, 'GROUP', NULL, 'guild ' || g, $3::int, true, LEAST($3::int, $4::int - g * $3::int), now()
         FROM generate_series(0, $5::int - 1) AS g`,
      [gameIndex, prefix, guild, players, guilds],
    );
    await c.query(
      `INSERT INTO channel_members (game_index, channel_id, player_id, one_on_one, counted, entered_at)
       SELECT $1, $2 || (i / $3::int), $4::bigint + i, false, true, now() FROM generate_series(0, $5::int - 1) AS i`,
      [gameIndex, prefix, guild, ID_BASE, players],
    );
    await c.query('ANALYZE channels; ANALYZE channel_members');
  });
  return guilds;
}

async function storm(ctx, variant, { urls, pids, packet, round: r, database }) {
  const { cfg } = ctx;
  const { players, generators, concurrency, jitterMs } = cfg.storm;
  const per = Math.ceil(players / generators);
  const gens = [];
  const v = variant === 'ours' ? 1 : 0;
  try {
    for (let g = 0; g < generators; g++) {
      const child = startGenerator(`storm-${variant}-${g}`, GEN);
      gens.push(child);
      child.send({
        type: 'run',
        config: {
          urls,
          // Fresh source addresses per generator, round, variant and phase: no port runs out.
          localAddress: `127.${60 + r}.${v * 2 + 1}.${g + 1}`,
          reconnectAddress: `127.${60 + r}.${v * 2 + 2}.${g + 1}`,
          secret: cfg.jwtSecret,
          gameIndex: cfg.gameIndex,
          idStart: ID_BASE + g * per,
          count: Math.min(per, players - g * per),
          concurrency,
          packet,
          jitterMs,
        },
      });
    }
    await Promise.all(gens.map((child) => nextMessage(child, 'prepared', 60_000)));
    const connecting = Promise.all(gens.map((child) => nextMessage(child, 'connected', 600_000)));
    for (const child of gens) child.send({ type: 'go' });
    const connected = await connecting;
    const loggedIn = connected.reduce((n, x) => n + x.ok, 0);
    if (loggedIn < players)
      throw new Error(`${variant}: only ${loggedIn} of ${players} connected: ${connected.find((x) => x.firstError)?.firstError}`);
    const loginSeconds = (Math.max(...connected.map((x) => x.lastOkAt)) - Math.min(...connected.map((x) => x.startedAt))) / 1000;
    for (const pid of pids) await settle(pid, { timeoutMs: 60_000 });

    const mark = database ? logMark() : null;
    const cpuBefore = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const back = Promise.all(gens.map((child) => nextMessage(child, 'reconnected', 600_000)));
    for (const child of gens) child.send({ type: 'drop' });
    const reports = await back;
    for (const pid of pids) await settle(pid, { timeoutMs: 120_000 });
    const cpuUsed = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - cpuBefore;

    const ok = reports.reduce((n, x) => n + x.ok, 0);
    const droppedAt = Math.min(...reports.map((x) => x.droppedAt));
    const firstSentAt = Math.min(...reports.map((x) => x.firstSentAt));
    const lastOkAt = Math.max(...reports.map((x) => x.lastOkAt));
    const out = {
      players,
      loginConnectsPerSec: round(loggedIn / loginSeconds),
      online: ok,
      failed: reports.reduce((n, x) => n + x.failed, 0),
      retries: reports.reduce((n, x) => n + x.retries, 0),
      firstError: reports.find((x) => x.firstError)?.firstError ?? null,
      secondsToAllOnline: round((lastOkAt - droppedAt) / 1000),
      reconnectsPerSec: round(ok / ((lastOkAt - firstSentAt) / 1000)),
      latencyP50Ms: round(median(reports.map((x) => x.latency.p50))),
      latencyP99Ms: round(Math.max(...reports.map((x) => x.latency.p99))),
      cpuSeconds: round(cpuUsed),
      cpuMsPerReconnect: ok ? round((cpuUsed * 1000) / ok, 3) : null,
      pushesDuringStorm: reports.reduce((n, x) => n + x.pushes, 0),
    };
    if (database) {
      // Whatever the log holds for the database once both instances have settled.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const statements = statementsSince(mark, database);
      const dropPhase = statements.filter((s) => s.at < firstSentAt);
      const reconnectPhase = statements.filter((s) => s.at >= firstSentAt);
      out.statements = {
        total: statements.length,
        perReconnect: ok ? round(statements.length / ok, 3) : null,
        beforeFirstReconnect: dropPhase.length,
        fromFirstReconnect: reconnectPhase.length,
        fromFirstReconnectPerReconnect: ok ? round(reconnectPhase.length / ok, 3) : null,
        byKind: countByKind(statements),
      };
    }
    return out;
  } finally {
    const closing = gens.map((child) => nextMessage(child, 'result', 30_000).catch(() => null));
    for (const child of gens) if (child.connected) child.send({ type: 'close' });
    await Promise.all(closing);
    await Promise.all(gens.map((child) => stop(child, 'SIGKILL', 2_000)));
    for (const pid of pids) await settle(pid, { timeoutMs: 120_000 });
  }
}

export async function reconnectStorm(ctx) {
  const { cfg, log } = ctx;
  const { players, guild } = cfg.storm;
  // A database of its own: its statement log holds only what these two instances run.
  const database = `${cfg.database}_storm`;
  const databaseUrl = await recreateDatabase(cfg.pgAdminUrl, database);
  const counting = pgLogReadable();
  if (counting) await logStatements(cfg.pgAdminUrl, database);
  else log(`  reconnect storm: PostgreSQL log not readable (BENCH_PG_LOG): statements not counted`);
  const redis = { REDIS_URL: cfg.redisUrl, REDIS_PREFIX: `${cfg.redisPrefix}storm:`, DATABASE_URL: databaseUrl };
  const relayEnv = { REDIS_URL: cfg.redisUrl, REDIS_PREFIX: `${cfg.redisPrefix}storm-relay` };
  const servers = [];
  try {
    // One after the other: the first applies the migrations.
    servers.push(await startApp(cfg, 'storm-a', redis));
    servers.push(await startApp(cfg, 'storm-b', redis));
    servers.push(await startWsRelay(cfg, 'storm-relay-a', relayEnv), await startWsRelay(cfg, 'storm-relay-b', relayEnv));
    const [a, b, ra, rb] = servers;
    const guilds = await seedGuilds(databaseUrl, cfg.gameIndex, players, guild, `storm-guild-`);
    log(
      `  reconnect storm: ${players} players${guilds ? ` in ${guilds} GROUP channels of ${guild}` : ''}, jitter ${cfg.storm.jitterMs.join('–')} ms`,
    );
    const variants = [
      ['baseline', { urls: [ra.wsUrl, rb.wsUrl], pids: [ra.pid, rb.pid], packet: 'CONNECT', database: null }],
      ['ours', { urls: [a.wsUrl, b.wsUrl], pids: [a.pid, b.pid], packet: 'RECONNECT', database: counting ? database : null }],
    ];
    const runs = { baseline: [], ours: [] };
    await ctx.profileReset?.(a);
    for (let r = 0; r < cfg.storm.rounds; r++) {
      for (const [name, target] of r % 2 === 0 ? variants : [...variants].reverse()) {
        const res = await storm(ctx, name, { ...target, round: r });
        log(
          `  storm ${name.padEnd(8)} round ${r + 1}: all ${res.online}/${players} online ${res.secondsToAllOnline} s after the drop ` +
            `(${res.failed} failed, ${res.retries} retries${res.firstError ? `: ${res.firstError}` : ''}), ${res.reconnectsPerSec} reconnects/s, ` +
            `p50/p99 ${res.latencyP50Ms}/${res.latencyP99Ms} ms, ${res.cpuMsPerReconnect} CPU ms each` +
            (res.statements ? `, ${res.statements.total} statements (${res.statements.perReconnect} per reconnect)` : ''),
        );
        runs[name].push(res);
      }
    }
    await ctx.profile?.('reconnect-storm', a);

    // One instance's CONNECT rate against one relay (fresh players, no channels).
    const single = { baseline: [], ours: [] };
    const pair = [
      ['baseline', ra],
      ['ours', a],
    ];
    for (let r = 0; r < cfg.storm.singleRounds; r++) {
      for (const [name, target] of r % 2 === 0 ? pair : [...pair].reverse()) {
        const res = await measureConnects(ctx, target, {
          round: r,
          variantIndex: name === 'ours' ? 1 : 0,
          sizes: cfg.storm.single,
          idBase: 8_000_000,
          addressBase: 80,
        });
        log(
          `  single-instance CONNECTs ${name.padEnd(8)} round ${r + 1}: ${res.connectsPerSec} CONNECT/s, ${res.connectsPerCoreSecond} per core-second (${res.failed} failed)`,
        );
        single[name].push(res);
      }
    }
    await ctx.profile?.('single-connects', a);

    const summary = (list) => {
      const m = (f) => round(median(list.map(f)), 3);
      return {
        secondsToAllOnline: m((x) => x.secondsToAllOnline),
        reconnectsPerSec: m((x) => x.reconnectsPerSec),
        loginConnectsPerSec: m((x) => x.loginConnectsPerSec),
        latencyP99Ms: m((x) => x.latencyP99Ms),
        cpuMsPerReconnect: m((x) => x.cpuMsPerReconnect),
        failed: Math.max(...list.map((x) => x.failed)),
        statementsPerReconnect: m((x) => x.statements?.perReconnect ?? null),
        statementsFromFirstReconnectPerReconnect: m((x) => x.statements?.fromFirstReconnectPerReconnect ?? null),
        rounds: list,
      };
    };
    const singleSummary = (list) => ({
      connectsPerSec: round(median(list.map((x) => x.connectsPerSec))),
      connectsPerCoreSecond: round(median(list.map((x) => x.connectsPerCoreSecond))),
      rounds: list,
    });
    const out = {
      instances: 2,
      players,
      guild,
      jitterMs: cfg.storm.jitterMs,
      baseline: summary(runs.baseline),
      ours: summary(runs.ours),
      single: { target: cfg.storm.single.target, baseline: singleSummary(single.baseline), ours: singleSummary(single.ours) },
    };
    // Lower is better for time and CPU: ours / baseline.
    out.timeRatio = ratio(out.ours.secondsToAllOnline, out.baseline.secondsToAllOnline);
    out.reconnectRateRatio = ratio(out.ours.reconnectsPerSec, out.baseline.reconnectsPerSec);
    out.cpuRatio = ratio(out.ours.cpuMsPerReconnect, out.baseline.cpuMsPerReconnect);
    out.single.ratio = ratio(out.single.ours.connectsPerSec, out.single.baseline.connectsPerSec);
    out.single.cpuRatio = ratio(out.single.baseline.connectsPerCoreSecond, out.single.ours.connectsPerCoreSecond);
    out.goals = {
      allOnline: { goal: 'every player online again', value: out.ours.failed, met: out.ours.failed === 0 },
      statements: {
        goal: '<= 1 statement per CONNECT on average',
        value: out.ours.statementsPerReconnect,
        met: out.ours.statementsPerReconnect !== null && out.ours.statementsPerReconnect <= 1,
      },
      connectRate: {
        goal: '>= 0.8 of the relay CONNECTs/s (one instance)',
        value: out.single.ratio,
        met: out.single.ratio !== null && out.single.ratio >= 0.8,
      },
    };
    return out;
  } finally {
    for (const s of servers) await s.stop();
    if (counting) await logStatements(cfg.pgAdminUrl, database, false).catch(() => undefined);
  }
}
