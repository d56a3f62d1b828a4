// The fleet scenario's part of bench/results/latest.md: its figures beside the single-instance
// `connections` figures (ours and the relay) of the same run, when that scenario ran too.
const fmt = (v, digits = 0) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }) : '–');

/** Nakama's published single-node figure (1 CPU / 3 GB node, concurrent users held): another machine, a reference only. */
const NAKAMA_SINGLE_NODE = 19_542;

export function fleetSection(results) {
  const fl = results.scenarios.fleet;
  if (!fl) return [];
  if (fl.error) return ['## Fleet', '', `Fleet: error: ${fl.error}`, ''];
  const c = results.scenarios.connections && !results.scenarios.connections.error ? results.scenarios.connections : null;
  const lines = [];
  const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
  const m = fl.memory;
  const ch = fl.chat;
  const perInstance = Math.round(fl.held / fl.instances);
  lines.push(
    `## Fleet: ${fmt(fl.target)} sockets on ${fl.instances} instances (Redis mode)`,
    '',
    `${fl.instances} instances of ours on this machine, one PostgreSQL, one Redis; ${fl.generators} generator processes from ${fl.sourceAddresses} source addresses ` +
      `(open-file limit ${fmt(fl.openFilesLimit)} per process). ${ch ? `${fmt(ch.chattingPlayers)} players (${fmt(ch.chattingShare * 100, 2)} %) in ${fmt(ch.parties)} parties of ${ch.partySize}, members on different instances, each sending every ${fmt(ch.intervalMs / 1000, 1)} s (history ${ch.history ? 'on' : 'off'}) for ${fmt(ch.seconds)} s while every socket was held.` : ''} ` +
      `1-minute load average: ${Object.entries(fl.machineLoad).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    `| figure | fleet (${fl.instances} instances) | one instance (connections, same run) | relay baseline (same run) |`,
    '|---|---|---|---|',
  );
  row('authenticated sockets held', `${fmt(fl.held)} (${fmt(fl.failed)} failed, ${fmt(fl.notTried)} not tried, ${fmt(fl.dropped)} dropped)`, fmt(c?.ours.held), fmt(c?.baseline.held));
  row('sockets per process', fmt(perInstance), fmt(c?.ours.held), fmt(c?.baseline.held));
  row('reference: Nakama, published single node', '', fmt(NAKAMA_SINGLE_NODE), '');
  row('CONNECT time, first CONNECT to all answered (s)', fmt(fl.connect.seconds, 1), c ? fmt(c.ours.rounds.at(-1)?.connectSeconds, 1) : '–', c ? fmt(c.baseline.rounds.at(-1)?.connectSeconds, 1) : '–');
  row('CONNECTs/s', fmt(fl.connect.perSec), fmt(c?.ours.connectsPerSec), fmt(c?.baseline.connectsPerSec));
  row('CONNECTs per server core-second', fmt(fl.connect.perCoreSecond), fmt(c?.ours.connectsPerCoreSecond), fmt(c?.baseline.connectsPerCoreSecond));
  row('handshake + CONNECT latency p50 / worst generator p99 (ms)', `${fmt(fl.connect.latencyMs.p50)} / ${fmt(fl.connect.latencyMs.p99Max)}`, '', '');
  row('resident MB, all instances: idle → holding → chatting (max)', `${fmt(m.rssIdleTotalMB)} → ${fmt(m.rssHeldTotalMB)} → ${fmt(m.rssChatMaxTotalMB)}`, c ? fmt(c.ours.rssHeldMB) : '–', c ? fmt(c.baseline.rssHeldMB) : '–');
  row('KB per socket (holding − idle)', fmt(m.kbPerSocket, 1), fmt(c?.ours.kbPerConnection, 1), fmt(c?.baseline.kbPerConnection, 1));
  row('KB per socket while chatting (max − idle)', fmt(m.kbPerSocketChatting, 1), '', '');
  row('KB per socket all-in (idle footprint of every instance included)', fmt(m.kbPerSocketAllIn, 1), c ? fmt((c.ours.rssHeldMB * 1024) / c.ours.held, 1) : '–', c ? fmt((c.baseline.rssHeldMB * 1024) / c.baseline.held, 1) : '–');
  row('Redis bytes per socket (shared Redis: rough)', fmt(m.redisBytesPerSocket), '', '');
  row('generators: KB per client socket', fmt(m.generatorKbPerSocket, 1), '', '');
  if (ch) {
    row('chat: messages/s, deliveries/s', `${fmt(ch.messagesPerSec)}, ${fmt(ch.deliveriesPerSec)}`, '', '');
    row('chat: deliveries / expected', `${fmt(ch.deliveries)} / ${fmt(ch.expectedDeliveries)} (${fmt(ch.completeness, 4)})`, '', '');
    row('delivery latency p50 / p99 / max (ms), send → receive on another instance', `${fmt(ch.latencyMs.p50, 1)} / ${fmt(ch.latencyMs.p99, 1)} / ${fmt(ch.latencyMs.max, 1)}`, '', '');
    row('sender ack p50 / worst generator p99 (ms)', `${fmt(ch.ackP50Ms, 1)} / ${fmt(ch.ackP99Ms, 1)}`, '', '');
  }
  const cores = (x) => (x ? `servers ${fmt(x.servers, 2)}, generators ${fmt(x.generators, 2)}, Redis ${fmt(x.redis, 2)}, whole machine ${fmt(x.machine, 2)}` : '–');
  row('cores busy while connecting', cores(fl.connect.cores), '', '');
  if (m.idleCores) row('cores busy while holding, nobody talking', cores(m.idleCores), '', '');
  if (ch) row('cores busy while chatting', cores(ch.cores), '', '');
  if (ch?.serverLoopLagP99Ms) {
    const list = (xs) => xs.map((x) => fmt(x)).join(', ');
    row('event-loop delay p99 while chatting (ms): instances; generators', `${list(ch.serverLoopLagP99Ms)}; ${list(ch.generatorLoopDelayP99Ms)}`, '', '');
  }
  lines.push('', '| instance | sockets | resident MB idle → holding → chatting (max) | KB per socket |', '|---|---|---|---|');
  for (const [i, x] of m.perInstance.entries()) row(i, fmt(x.sockets), `${fmt(x.rssIdleMB)} → ${fmt(x.rssHeldMB)} → ${fmt(x.rssChatMaxMB)}`, fmt(x.kbPerSocket, 1));
  lines.push(
    '',
    '"Whole machine" is every process on the machine (other people\'s included) from /proc/stat, out of ' +
      `${results.machine.cpus} cores; the Redis and PostgreSQL servers are shared with other users. Reproduce: \`BENCH_SCENARIOS=connections,fleet npm run bench\`.`,
    '',
  );
  return lines;
}
