// One instance's CONNECT rate against the bare ws relay, and optionally against another build of
// the service (BASE_ENTRY: its dist/src/main.js, e.g. a worktree of an older commit), alternating
// every round: fresh players, no channels, 4 generators x 50 handshakes in flight (the sizes of the
// mass-reconnect scenario's single-instance part). Redis mode unless NO_REDIS=1. Prints each round
// and the medians (CONNECTs/s and per server core-second); with BENCH_PROFILE=1 one more round of
// ours is profiled (summarise it with bench/profile-top.mjs).
//
//   npm run build && [BASE_ENTRY=/path/to/dist/src/main.js] [ROUNDS=3] node bench/connect-rate.mjs
import { loadConfig } from './lib/config.mjs';
import { recreateDatabase } from './lib/db.mjs';
import { startApp, startWsRelay, dumpProfile } from './lib/servers.mjs';
import { killAll, installExitHandlers } from './lib/proc.mjs';
import { measure } from './scenarios/connections.mjs';
import { median as med } from './lib/stats.mjs';
installExitHandlers();
const cfg = loadConfig();
const log = (m) => console.log(m);
const ctx = { cfg, log };
cfg.databaseUrl = await recreateDatabase(cfg.pgAdminUrl, cfg.database);
const redis = process.env.NO_REDIS ? {} : { REDIS_URL: cfg.redisUrl, REDIS_PREFIX: `${cfg.redisPrefix}cr:` };
const targets = [
  ['relay', await startWsRelay(cfg, 'cr-relay', {})],
  ['ours', await startApp(cfg, 'cr-ours', redis)],
];
if (process.env.BASE_ENTRY)
  targets.push([
    'base',
    await startApp(cfg, 'cr-base', { ...redis, REDIS_PREFIX: `${cfg.redisPrefix}base:` }, { entry: process.env.BASE_ENTRY }),
  ]);
const rounds = Number(process.env.ROUNDS ?? 3);
const sizes = { ...cfg.storm.single };
const res = Object.fromEntries(targets.map(([n]) => [n, []]));
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? [...targets].reverse() : targets;
  for (const [name, t] of order) {
    const v = targets.findIndex(([n]) => n === name);
    const m = await measure(ctx, t, { round: r, variantIndex: v, sizes, idBase: 8_000_000, addressBase: 80 });
    res[name].push(m);
    log(`${name} r${r}: ${m.connectsPerSec}/s, ${m.connectsPerCoreSecond}/core-s failed ${m.failed}`);
  }
}

for (const [name] of targets)
  log(
    `${name}: median ${med(res[name].map((m) => m.connectsPerSec))}/s, ${med(res[name].map((m) => m.connectsPerCoreSecond))}/core-s; ratio to relay ${(med(res[name].map((m) => m.connectsPerSec)) / med(res.relay.map((m) => m.connectsPerSec))).toFixed(2)}`,
  );
if (cfg.profile) {
  const app = targets[1][1];
  await dumpProfile(app, null);
  const m = await measure(ctx, app, { round: rounds, variantIndex: 1, sizes, idBase: 8_000_000, addressBase: 80 });
  log(`profiled ours: ${m.connectsPerSec}/s`);
  log(await dumpProfile(app, 'connects'));
}
killAll();
process.exit(0);
