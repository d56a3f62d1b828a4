// `npm run bench`: every scenario, ours and its baseline alternately, on the real
// PostgreSQL (and Redis for scale-out), load generators in separate processes on loopback only.
// Writes bench/results/latest.json (not committed), latest.md and fanout.svg. Everything it starts is killed on
// the way out, whatever happens (see lib/proc.mjs). Sizes and durations: lib/config.mjs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fanoutChart } from './lib/chart.mjs';
import { ALL_SCENARIOS, OPT_IN_SCENARIOS, loadConfig } from './lib/config.mjs';
import { recreateDatabase, withClient } from './lib/db.mjs';
import { installExitHandlers, killAll } from './lib/proc.mjs';
import { markdown } from './lib/report.mjs';
import { RESULTS_DIR, dumpProfile, startApp, startHttpPg, startWsRelay } from './lib/servers.mjs';
import { connections } from './scenarios/connections.mjs';
import { fanout, fanoutSizes } from './scenarios/fanout.mjs';
import { fleet } from './scenarios/fleet.mjs';
import { purge } from './scenarios/purge.mjs';
import { reconnectStorm } from './scenarios/reconnect-storm.mjs';
import { resume } from './scenarios/resume.mjs';
import { cluster } from './scenarios/cluster.mjs';
import { channelRest, partyRest } from './scenarios/rest.mjs';
import { scaleOut } from './scenarios/scaleout.mjs';
import { startup } from './scenarios/startup.mjs';

const SCENARIOS = { startup, fanout, connections, partyRest, channelRest, purge, scaleOut, cluster, fanoutSizes, resume, reconnectStorm, fleet };
const t0 = performance.now();
const log = (msg) => console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}`);

function machine() {
  const cpus = os.cpus();
  const info = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown',
    memoryGB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.versions.node,
    os: `${os.type()} ${os.release()}`,
    openFilesLimit: null,
  };
  try {
    info.openFilesLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
  } catch {
    /* unknown */
  }
  return info;
}

async function main() {
  installExitHandlers();
  const cfg = loadConfig();
  const known = [...ALL_SCENARIOS, ...OPT_IN_SCENARIOS];
  const unknown = cfg.scenarios.filter((s) => !known.includes(s));
  if (unknown.length) throw new Error(`BENCH_SCENARIOS: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const results = {
    startedAt: new Date().toISOString(),
    quick: cfg.quick,
    machine: machine(),
    config: { ...cfg, jwtSecret: undefined, serverKey: undefined },
    scenarios: {},
  };
  log(`${cfg.quick ? 'quick' : 'full'} run ${cfg.runId}: ${cfg.scenarios.join(', ')}`);

  const ctx = { cfg, log, elapsedSeconds: () => (performance.now() - t0) / 1000 };
  // The run stops by itself: past the budget no new scenario starts; well past it, everything stops.
  const watchdog = setTimeout(() => {
    log(`hard time limit (${Math.round(cfg.budgetSeconds * 1.15)} s) reached: stopping everything`);
    killAll();
    results.aborted = 'hard time limit';
    write(results);
    process.exit(2);
  }, cfg.budgetSeconds * 1150);
  watchdog.unref();
  try {
    if (cfg.scenarios.includes('startup')) await runScenario(ctx, results, 'startup');
    const rest = cfg.scenarios.filter((s) => s !== 'startup');
    if (rest.length) {
      log(`fresh database ${cfg.database}`);
      cfg.databaseUrl = await recreateDatabase(cfg.pgAdminUrl, cfg.database);
      ctx.app = await startApp(cfg, 'ours');
      log(`our service on ${ctx.app.url} (ready in ${Math.round(ctx.app.readyMs)} ms)`);
      results.machine.postgres = await withClient(cfg.databaseUrl, async (c) => (await c.query('SHOW server_version')).rows[0].server_version);
      try {
        results.machine.redis = /redis_version:(\S+)/.exec(execFileSync('redis-cli', ['-u', cfg.redisUrl, 'INFO', 'server']).toString())?.[1];
      } catch {
        /* no redis-cli */
      }
      ctx.relay = await startWsRelay(cfg, 'ws-relay');
      ctx.restBaseline = await startHttpPg(cfg, 'http-pg');
      ctx.profile = async (label, app = ctx.app) => {
        const file = await dumpProfile(app, label);
        if (file) log(`  CPU profile: ${file}`);
      };
      ctx.profileReset = (app = ctx.app) => dumpProfile(app, null);
      for (const name of rest) await runScenario(ctx, results, name);
    }
  } finally {
    killAll();
    results.durationSeconds = Math.round((performance.now() - t0) / 1000);
    write(results);
  }
}

async function runScenario(ctx, results, name) {
  const elapsed = (performance.now() - t0) / 1000;
  if (elapsed > ctx.cfg.budgetSeconds) {
    ctx.log(`scenario ${name} SKIPPED: ${Math.round(elapsed)} s elapsed, budget ${ctx.cfg.budgetSeconds} s`);
    results.scenarios[name] = { error: `skipped: time budget of ${ctx.cfg.budgetSeconds} s used up` };
    write(results);
    return;
  }
  ctx.log(`scenario ${name}`);
  const started = performance.now();
  const loadBefore = os.loadavg()[0];
  try {
    results.scenarios[name] = await SCENARIOS[name](ctx);
  } catch (err) {
    ctx.log(`  scenario ${name} FAILED: ${err?.stack ?? err}`);
    results.scenarios[name] = { error: String(err?.message ?? err).slice(0, 500) };
  }
  results.scenarios[name].scenarioSeconds = Math.round((performance.now() - started) / 1000);
  // The machine may be shared: the 1-minute load average before and after says how quiet it was.
  results.scenarios[name].loadAverage = [Math.round(loadBefore * 10) / 10, Math.round(os.loadavg()[0] * 10) / 10];
  write(results); // partial results survive a later crash
}

/** Fan-out entries of every size measured: the main scenario's and the sweep's. */
function allBySize(results) {
  return [...(results.scenarios.fanout?.bySize ?? []), ...(results.scenarios.fanoutSizes?.bySize ?? [])].sort((a, b) => a.size - b.size);
}

function write(results) {
  writeFileSync(`${RESULTS_DIR}/latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  const bySize = allBySize(results);
  if (bySize?.length) writeFileSync(`${RESULTS_DIR}/fanout.svg`, fanoutChart(bySize, `${results.startedAt} ${results.quick ? '(quick run)' : ''}`));
  writeFileSync(`${RESULTS_DIR}/latest.md`, markdown(results, bySize));
}

main()
  .then(() => {
    log(`done: ${RESULTS_DIR}/latest.md`);
    process.exit(0);
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
