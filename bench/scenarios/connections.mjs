// Connections: how many authenticated idle WebSockets one instance holds, the memory
// per connection and CONNECT handshakes per second. The clients come from several generator
// processes (each under its own 20,000-file limit), each from its own 127.x.y.z source address.
import { fileURLToPath } from 'node:url';
import { cpuSeconds, nextMessage, rssBytes, settle, sleep, startGenerator, stop } from '../lib/proc.mjs';
import { startApp } from '../lib/servers.mjs';
import { median, ratio, round } from '../lib/stats.mjs';

const GEN = fileURLToPath(new URL('../gen/ws-conns.mjs', import.meta.url));
const MB = 1024 * 1024;

/**
 * One measured batch of CONNECTs against `target` (also used by the mass-reconnect scenario, with
 * its own `sizes`, player ids from `idBase` and source addresses from 127.`addressBase`.x.y).
 */
export async function measure(ctx, target, { round: r, variantIndex, settleAfter = true, sizes = ctx.cfg.connections, idBase = 2_000_000, addressBase = 1 }) {
  const { cfg } = ctx;
  const { target: total, generators: count, concurrency, holdMs } = sizes;
  await settle(target.pid, { timeoutMs: 60_000 });
  const rssBefore = rssBytes(target.pid);
  const perGen = Math.ceil(total / count);
  const gens = [];
  try {
    for (let g = 0; g < count; g++) {
      const child = startGenerator(`conns-${g}`, GEN);
      gens.push(child);
      child.send({
        type: 'run',
        config: {
          url: target.wsUrl,
          // A fresh source address per generator, round and target: no TIME_WAIT reuse, no port exhaustion.
          localAddress: `127.${addressBase + r}.${variantIndex + 1}.${g + 1}`,
          secret: cfg.jwtSecret,
          gameIndex: cfg.gameIndex,
          idStart: idBase + (r * 2 + variantIndex) * 100_000 + g * perGen,
          count: Math.min(perGen, total - g * perGen),
          concurrency,
        },
      });
    }
    await Promise.all(gens.map((child) => nextMessage(child, 'prepared', 60_000)));
    const connected = Promise.all(gens.map((child) => nextMessage(child, 'connected', 300_000)));
    const cpuBefore = cpuSeconds(target.pid);
    for (const child of gens) child.send({ type: 'go' });
    const reports = await connected;
    const cpuUsed = cpuSeconds(target.pid) - cpuBefore;
    const ok = reports.reduce((n, x) => n + x.ok, 0);
    const failed = reports.reduce((n, x) => n + x.failed, 0);
    const startedAt = Math.min(...reports.map((x) => x.startedAt));
    const endedAt = Math.max(...reports.map((x) => x.lastOkAt));
    await sleep(holdMs);
    const rssHeld = rssBytes(target.pid);
    const closing = Promise.all(gens.map((child) => nextMessage(child, 'result', 120_000)));
    for (const child of gens) child.send({ type: 'close' });
    const dropped = (await closing).reduce((n, x) => n + x.dropped, 0);
    return {
      attempted: total,
      held: ok - dropped,
      failed,
      firstError: reports.find((x) => x.firstError)?.firstError ?? null,
      connectsPerSec: round(ok / ((endedAt - startedAt) / 1000)),
      connectSeconds: round((endedAt - startedAt) / 1000),
      // Server CPU while connecting: CONNECTs per core-second (what one core of an instance sustains).
      connectsPerCoreSecond: cpuUsed > 0 ? round(ok / cpuUsed) : null,
      rssBeforeMB: round(rssBefore / MB),
      rssHeldMB: round(rssHeld / MB),
      kbPerConnection: ok ? round((rssHeld - rssBefore) / 1024 / ok) : null,
    };
  } finally {
    await Promise.all(gens.map((child) => stop(child, 'SIGKILL', 2_000)));
    // Our service does work for every disconnect (presence, PUBLIC channels): let it finish.
    if (settleAfter) await settle(target.pid, { timeoutMs: 60_000 });
  }
}

export async function connections(ctx) {
  const { cfg, relay, log } = ctx;
  // A fresh instance of ours: its resident memory before and while holding the sockets is then
  // not blurred by garbage the earlier scenarios left behind.
  const app = await startApp(cfg, 'conn-app');
  try {
    return await measureAll(ctx, app, relay, log);
  } finally {
    await app.stop('SIGKILL'); // nothing to wait for: its database work is done or irrelevant
  }
}

async function measureAll(ctx, app, relay, log) {
  const { cfg } = ctx;
  const variants = [
    ['baseline', relay],
    ['ours', app],
  ];
  const runs = { baseline: [], ours: [] };
  await ctx.profileReset?.(app);
  for (let r = 0; r < cfg.connections.rounds; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const [k, [name, target]] of order.entries()) {
      const last = r === cfg.connections.rounds - 1 && k === order.length - 1;
      const res = await measure(ctx, target, { round: r, variantIndex: name === 'ours' ? 1 : 0, settleAfter: !(last && name === 'ours') });
      log(
        `  connections ${name.padEnd(8)} round ${r + 1}: held ${res.held}/${res.attempted} (${res.failed} failed${res.firstError ? `: ${res.firstError}` : ''}), ` +
          `${res.connectsPerSec} CONNECT/s, RSS ${res.rssBeforeMB} → ${res.rssHeldMB} MB (${res.kbPerConnection} KB/connection)`,
      );
      runs[name].push(res);
    }
  }
  const summary = (list) => ({
    held: median(list.map((x) => x.held)),
    connectsPerSec: round(median(list.map((x) => x.connectsPerSec))),
    connectsPerCoreSecond: round(median(list.map((x) => x.connectsPerCoreSecond))),
    rssHeldMB: round(median(list.map((x) => x.rssHeldMB))),
    kbPerConnection: round(median(list.map((x) => x.kbPerConnection))),
    rounds: list,
  });
  const out = { target: cfg.connections.target, generators: cfg.connections.generators, baseline: summary(runs.baseline), ours: summary(runs.ours) };
  out.connectsPerSecRatio = ratio(out.ours.connectsPerSec, out.baseline.connectsPerSec);
  // Lower is better for memory: ours / baseline.
  out.memoryPerConnectionRatio = ratio(out.ours.kbPerConnection, out.baseline.kbPerConnection);
  out.heldRatio = ratio(out.ours.held, out.baseline.held);
  out.goals = {
    held: { goal: `hold ${cfg.connections.target} connections`, value: out.ours.held, met: out.ours.held >= cfg.connections.target },
    memory: { goal: 'under 1 GiB resident while holding them', value: out.ours.rssHeldMB, met: out.ours.rssHeldMB < 1024 },
    connectRate: { goal: '>= 2,500 CONNECTs/s', value: out.ours.connectsPerSec, met: out.ours.connectsPerSec >= 2500 },
  };
  await ctx.profile?.('connections', app);
  return out;
}
