// bench/results/latest.md: one table of every measured figure with its baseline, ratio and goal.
import { fleetSection } from './report-fleet.mjs';
import { ratio } from './stats.mjs';

const fmt = (v, digits = 0) =>
  typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }) : '–';
const mark = (goal) => (!goal ? '' : goal.met ? '✅' : '❌');

export function markdown(results, bySize = []) {
  const s = results.scenarios;
  const lines = [];
  const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(`# Benchmark results`, '');
  lines.push(
    `Run ${results.startedAt} (${results.quick ? 'quick run, BENCH_QUICK=1: small sizes, not for quoting' : 'full run'}), ` +
      `${fmt(results.durationSeconds)} s. Machine: ${results.machine.cpus} × ${results.machine.cpuModel}, ` +
      `${fmt(results.machine.memoryGB, 1)} GB RAM, Node ${results.machine.node}, ${results.machine.os}; PostgreSQL ${results.machine.postgres ?? '?'}, Redis ${results.machine.redis ?? '?'}. ` +
      `Load generators share the same ${results.machine.cpus} cores (loopback only). Each figure is the median of ${results.config.rounds} round(s); ` +
      `ours and the baseline alternate inside every round. Rate limits: ${results.config.safety ? 'on, never reached (BENCH_SAFETY=on)' : 'off'}. ` +
      `Reproduce: \`npm run bench\` (\`BENCH_QUICK=1 npm run bench\` for a 2-minute smoke run).`,
    '',
  );
  const loads = Object.entries(s)
    .filter(([, v]) => v?.loadAverage)
    .map(([k, v]) => `${k} ${v.loadAverage[0]}→${v.loadAverage[1]}`);
  if (loads.length)
    lines.push(
      `1-minute load average before→after each scenario (${results.machine.cpus} cores; above ~2 means other work shared the machine): ${loads.join(', ')}.`,
      '',
    );
  lines.push('| scenario | metric | ours | baseline | ratio | goal | met |', '|---|---|---|---|---|---|---|');
  const f = s.fanout;
  if (f && !f.error) {
    row(
      `fan-out ${f.size} members, history off`,
      'deliveries/s at saturation',
      fmt(f.historyOff?.deliveriesPerSec),
      fmt(f.baseline?.deliveriesPerSec),
      fmt(f.historyOffRatio, 2),
      '≥ 0.8',
      mark(f.goals.historyOff),
    );
    row(
      `fan-out ${f.size} members, history on`,
      'deliveries/s at saturation',
      fmt(f.historyOn?.deliveriesPerSec),
      fmt(f.baseline?.deliveriesPerSec),
      fmt(f.historyOnRatio, 2),
      '≥ 0.6',
      mark(f.goals.historyOn),
    );
    row(
      `fan-out ${f.size}, history off, half load`,
      'p50 / p99 ms',
      `${fmt(f.historyOff?.p50Ms, 1)} / ${fmt(f.historyOff?.p99Ms, 1)}`,
      `${fmt(f.baseline?.p50Ms, 1)} / ${fmt(f.baseline?.p99Ms, 1)}`,
      '',
      'p99 ≤ 25 ms',
      mark(f.goals.p99HistoryOff),
    );
    row(
      `fan-out ${f.size}, history on, half load`,
      'p50 / p99 ms',
      `${fmt(f.historyOn?.p50Ms, 1)} / ${fmt(f.historyOn?.p99Ms, 1)}`,
      '',
      '',
      'p99 ≤ 25 ms',
      mark(f.goals.p99HistoryOn),
    );
    if (f.filtered) {
      const label = `fan-out ${f.size}, history off, word filter of ${fmt(f.filterWords)} entries (mask), ${f.messageChars}-character messages`;
      row(
        label,
        'deliveries/s at saturation',
        fmt(f.filtered.deliveriesPerSec),
        fmt(f.baseline?.deliveriesPerSec),
        fmt(f.filteredRatio, 2),
        '',
        '',
      );
      row(
        label,
        'vs. history off without filter (same messages)',
        fmt(f.filtered.deliveriesPerSec),
        fmt(f.historyOff?.deliveriesPerSec),
        fmt(f.filteredVsHistoryOff, 2),
        '',
        '',
      );
      row(
        label,
        'p50 / p99 ms at half load',
        `${fmt(f.filtered.p50Ms, 1)} / ${fmt(f.filtered.p99Ms, 1)}`,
        `${fmt(f.baseline?.p50Ms, 1)} / ${fmt(f.baseline?.p99Ms, 1)}`,
        '',
        '',
        '',
      );
    }
  } else if (f?.error) row('fan-out', 'error', f.error, '', '', '', '❌');
  const rs = s.resume;
  if (rs && !rs.error) {
    row(
      `drop and resume (${fmt(rs.clients)} clients of a ${rs.type} channel, ${fmt(rs.missed)} messages missed each)`,
      'ms until all recovered',
      fmt(rs.recoverMs),
      '',
      '',
      '',
      '',
    );
    row(
      `drop and resume (${fmt(rs.clients)} clients of a ${rs.type} channel, ${fmt(rs.missed)} messages missed each)`,
      'messages lost / gaps / failed',
      `${fmt(rs.lost)} / ${fmt(rs.gaps)} / ${fmt(rs.failed)}`,
      '',
      '',
      '0',
      mark(rs.goals.lost),
    );
  } else if (rs?.error) row('drop and resume', 'error', rs.error, '', '', '', '❌');
  const c = s.connections;
  if (c && !c.error) {
    row(
      'connections',
      'idle authenticated sockets held',
      fmt(c.ours.held),
      fmt(c.baseline.held),
      fmt(c.heldRatio, 2),
      `${fmt(c.target)}`,
      mark(c.goals.held),
    );
    row(
      'connections',
      'resident MB while holding them',
      fmt(c.ours.rssHeldMB),
      fmt(c.baseline.rssHeldMB),
      '',
      '< 1024',
      mark(c.goals.memory),
    );
    row(
      'connections',
      'KB per connection',
      fmt(c.ours.kbPerConnection, 1),
      fmt(c.baseline.kbPerConnection, 1),
      fmt(c.memoryPerConnectionRatio, 2),
      '',
      '',
    );
    row(
      'connections',
      'CONNECTs/s',
      fmt(c.ours.connectsPerSec),
      fmt(c.baseline.connectsPerSec),
      fmt(c.connectsPerSecRatio, 2),
      '≥ 2,500',
      mark(c.goals.connectRate),
    );
  } else if (c?.error) row('connections', 'error', c.error, '', '', '', '❌');
  const rest = (label, r) => {
    if (!r) return;
    row(label, r.unit, fmt(r.ours.perSec), fmt(r.baseline.perSec), fmt(r.throughputRatio, 2), '≥ 0.5', mark(r.goals.throughput));
    row(
      label,
      'p50 / p99 ms at saturation',
      `${fmt(r.ours.p50Ms, 1)} / ${fmt(r.ours.p99Ms, 1)}`,
      `${fmt(r.baseline.p50Ms, 1)} / ${fmt(r.baseline.p99Ms, 1)}`,
      fmt(r.p99Ratio, 2),
      '',
      '',
    );
    row(
      label,
      'p50 / p99 ms at half load',
      `${fmt(r.ours.halfLoadP50Ms, 1)} / ${fmt(r.ours.halfLoadP99Ms, 1)}`,
      `${fmt(r.baseline.halfLoadP50Ms, 1)} / ${fmt(r.baseline.halfLoadP99Ms, 1)}`,
      fmt(r.halfLoadP99Ratio, 2),
      'p99 ≤ 50 ms',
      mark(r.goals.p99),
    );
  };
  const p = s.partyRest;
  if (p && !p.error) {
    rest(`party join→leave (${p.users} players, capacity ${p.partyCapacity})`, p.joinLeave);
    rest(`party search (${fmt(p.seededParties)} parties)`, p.search);
  } else if (p?.error) row('party REST', 'error', p.error, '', '', '', '❌');
  const ch = s.channelRest;
  if (ch && !ch.error) {
    rest(`channel enter→exit (${ch.users} players)`, ch.enterExit);
    rest(`channel list with filters (${fmt(ch.seededChannels)} channels)`, ch.list);
  } else if (ch?.error) row('channel REST', 'error', ch.error, '', '', '', '❌');
  const pu = s.purge;
  if (pu && !pu.error) {
    row(
      `purge of ${fmt(pu.channels)} empty channels`,
      'seconds (first to last delete)',
      fmt(pu.seconds, 1),
      '',
      '',
      '≤ 10 s',
      mark(pu.goals.time),
    );
    row(
      'purge',
      'API p99 ms during / at rest',
      `${fmt(pu.duringLatencyMs.p99, 1)} / ${fmt(pu.restLatencyMs.p99, 1)}`,
      '',
      fmt(pu.p99Ratio, 2),
      '≤ 2',
      mark(pu.goals.p99),
    );
  } else if (pu?.error) row('purge', 'error', pu.error, '', '', '', '❌');
  const st = s.startup;
  if (st && !st.error) {
    for (const [key, label] of [
      ['embeddedFirst', 'embedded DB, first start'],
      ['embeddedRestart', 'embedded DB, restart'],
      ['postgresFirst', 'PostgreSQL, first start'],
      ['postgresRestart', 'PostgreSQL, restart'],
    ]) {
      if (st[key])
        row(`start-up, ${label}`, 'ms to ready / idle resident MB', `${fmt(st[key].readyMs)} / ${fmt(st[key].rssMB)}`, '', '', '', '');
    }
  } else if (st?.error) row('start-up', 'error', st.error, '', '', '', '❌');
  const so = s.scaleOut;
  if (so && !so.error) {
    row(
      `scale-out: 2 instances + Redis, ${so.size} members`,
      'deliveries/s at saturation',
      fmt(so.ours.deliveriesPerSec),
      fmt(so.baseline.deliveriesPerSec),
      fmt(so.deliveriesRatio, 2),
      '',
      '',
    );
    row('scale-out', 'p99 ms at half load', fmt(so.ours.p99Ms, 1), fmt(so.baseline.p99Ms, 1), '', '', '');
    row(
      'scale-out',
      'Redis publishes per message',
      fmt(so.redis.publishesPerMessage, 2),
      '1',
      '',
      '≤ 1 per instance with recipients',
      mark(so.goals.publishes),
    );
  } else if (so?.error) row('scale-out', 'error', so.error, '', '', '', '❌');
  const rc = s.reconnectStorm;
  if (rc && !rc.error) {
    const label = `mass reconnect: ${fmt(rc.players)} players over 2 instances + Redis${rc.guild ? `, guilds of ${rc.guild}` : ''}, jitter ${rc.jitterMs.join('–')} ms`;
    row(
      label,
      's from the drop until all online again',
      fmt(rc.ours.secondsToAllOnline, 2),
      fmt(rc.baseline.secondsToAllOnline, 2),
      fmt(rc.timeRatio, 2),
      'all online',
      mark(rc.goals.allOnline),
    );
    row(
      label,
      'reconnects/s (first attempt → last answer)',
      fmt(rc.ours.reconnectsPerSec),
      fmt(rc.baseline.reconnectsPerSec),
      fmt(rc.reconnectRateRatio, 2),
      '',
      '',
    );
    row(
      label,
      'server CPU ms per reconnect (drop clean-up included)',
      fmt(rc.ours.cpuMsPerReconnect, 3),
      fmt(rc.baseline.cpuMsPerReconnect, 3),
      fmt(rc.cpuRatio, 2),
      '',
      '',
    );
    row(
      label,
      'PostgreSQL statements per reconnect (all / from the first reconnect on)',
      `${fmt(rc.ours.statementsPerReconnect, 3)} / ${fmt(rc.ours.statementsFromFirstReconnectPerReconnect, 3)}`,
      '0',
      '',
      '≤ 1',
      mark(rc.goals.statements),
    );
    row(
      `one instance (Redis mode), ${fmt(rc.single.target)} fresh CONNECTs`,
      'CONNECTs/s',
      fmt(rc.single.ours.connectsPerSec),
      fmt(rc.single.baseline.connectsPerSec),
      fmt(rc.single.ratio, 2),
      '≥ 0.8',
      mark(rc.goals.connectRate),
    );
  } else if (rc?.error) row('mass reconnect', 'error', rc.error, '', '', '', '❌');
  const cl = s.cluster;
  if (cl && !cl.error) {
    const label = (n) => `Redis Cluster (3 primaries): ${n} instance${n > 1 ? 's' : ''}, ${cl.size} members`;
    for (const n of cl.ours1 ? [1, 2, 4] : []) {
      const ours = cl[`ours${n}`];
      const relay = cl[`relay${n}`];
      row(label(n), 'deliveries/s at saturation (server cores busy)', `${fmt(ours.deliveriesPerSec)} (${fmt(ours.serverCores, 2)})`, `${fmt(relay.deliveriesPerSec)} (${fmt(relay.serverCores, 2)})`, fmt(ratio(ours.deliveriesPerSec, relay.deliveriesPerSec), 2), '', '');
    }
    if (cl.ours1) row('Redis Cluster: 4 instances vs 1', 'deliveries/s ratio (ours / relay)', fmt(cl.oursFourVsOne, 2), fmt(cl.relayFourVsOne, 2), '', 'grows until the cores run out', '');
    row('Redis Cluster: members on 4 of 4 instances', 'Redis pushes per message (publishes)', `${fmt(cl.pushesAll.pushesPerMessage, 2)} (${fmt(cl.pushesAll.publishesPerMessage, 2)})`, '4', '', '= instances with recipients', mark(cl.goals.pushesAll));
    row('Redis Cluster: members on 2 of 4 instances', 'Redis pushes per message (publishes)', `${fmt(cl.pushesTwoOfFour.pushesPerMessage, 2)} (${fmt(cl.pushesTwoOfFour.publishesPerMessage, 2)})`, '4', '', '= instances with recipients, never all', mark(cl.goals.pushesTwoOfFour));
  } else if (cl?.error) row('cluster', 'error', cl.error, '', '', '', '❌');
  lines.push('');
  // Per-core figures: what one core of the server process does, the basis of docs/scaling.md.
  const perCore = [];
  if (f && !f.error) {
    perCore.push([
      `fan-out ${f.size}, history off: deliveries per core-second (cores busy)`,
      f.historyOff,
      f.baseline,
      'deliveriesPerCoreSecond',
    ]);
    perCore.push([`fan-out ${f.size}, history on: deliveries per core-second (cores busy)`, f.historyOn, null, 'deliveriesPerCoreSecond']);
  }
  if (c && !c.error) perCore.push(['CONNECTs per core-second', c.ours, c.baseline, 'connectsPerCoreSecond']);
  if (rc && !rc.error)
    perCore.push(['CONNECTs per core-second, one instance in Redis mode', rc.single.ours, rc.single.baseline, 'connectsPerCoreSecond']);
  if (p && !p.error) {
    perCore.push([
      'party join→leave: requests per core-second (cores busy)',
      p.joinLeave.ours,
      p.joinLeave.baseline,
      'requestsPerCoreSecond',
    ]);
    perCore.push(['party search: requests per core-second (cores busy)', p.search.ours, p.search.baseline, 'requestsPerCoreSecond']);
  }
  if (ch && !ch.error) {
    perCore.push([
      'channel enter→exit: requests per core-second (cores busy)',
      ch.enterExit.ours,
      ch.enterExit.baseline,
      'requestsPerCoreSecond',
    ]);
    perCore.push(['channel list: requests per core-second (cores busy)', ch.list.ours, ch.list.baseline, 'requestsPerCoreSecond']);
  }
  if (perCore.length) {
    lines.push(
      '## Server CPU per unit of work',
      '',
      'CPU of the server process only (the database and the load generators excluded), from /proc during the measured window.',
      '',
    );
    lines.push('| figure | ours | baseline |', '|---|---|---|');
    const cell = (x, key) => (x ? `${fmt(x[key])}${x.serverCores != null ? ` (${fmt(x.serverCores, 2)})` : ''}` : '–');
    for (const [label, ours, base, key] of perCore) row(label, cell(ours, key), cell(base, key));
    lines.push('');
  }
  if (bySize.length) {
    lines.push('## Fan-out by channel size', '', '![deliveries/s and p99 vs channel size](fanout.svg)', '');
    lines.push(
      '| members | ours deliveries/s (messages/s) | baseline deliveries/s (messages/s) | ratio | ours p99 ms (half load) | baseline p99 ms | ours, history on: deliveries/s (messages/s), p99 ms |',
      '|---|---|---|---|---|---|---|',
    );
    const dm = (x) => (x ? `${fmt(x.deliveriesPerSec)} (${fmt(x.messagesPerSec)})` : '–');
    for (const e of bySize) {
      row(
        e.size,
        dm(e.historyOff),
        dm(e.baseline),
        fmt(e.deliveriesRatio, 2),
        fmt(e.historyOff?.p99Ms, 1),
        fmt(e.baseline?.p99Ms, 1),
        e.historyOn ? `${dm(e.historyOn)}, ${fmt(e.historyOn.p99Ms, 1)}` : '–',
      );
    }
    const skipped = s.fanoutSizes?.skipped ?? [];
    if (skipped.length) lines.push('', `Sizes ${skipped.join(', ')} were skipped: the run's time budget was used up.`);
    lines.push('');
  }
  lines.push(...fleetSection(results));
  const parities = [p?.baselineParity, ch?.baselineParity].filter(Boolean);
  if (parities.length) {
    const compared = parities.reduce((n, x) => n + x.compared, 0);
    const identical = parities.reduce((n, x) => n + x.identical, 0);
    lines.push(
      `Fairness check: for ${identical} of ${compared} search/list requests the REST baseline's response body was byte-identical to ours.`,
      '',
    );
  }
  lines.push(
    'Notes: ratios are ours ÷ baseline (for memory per connection and p99 lower is better). Baselines (`bench/baselines/`): a bare `ws` relay ' +
      '(parses each frame, one serialisation, writes it to the room; HS256 check on CONNECT) and a bare `node:http` + `pg` server running the same ' +
      'SQL statements as our party join/leave, channel enter/exit, list and search. The 100,000-row data sets are bulk-inserted with SQL; every ' +
      'measured operation goes through the public HTTP/WebSocket protocols. Raw figures, every round: `latest.json` (written beside this file by each run, not committed).',
    '',
  );
  return lines.join('\n');
}
