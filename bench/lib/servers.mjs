// Starting the servers under test: our app (the built dist/src/main.js) and the two baselines.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, startServer, stop, waitForHttp } from './proc.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const APP_ENTRY = `${ROOT}dist/src/main.js`;
/** Where latest.json/.md and the chart go; BENCH_RESULTS_DIR keeps a smoke run off the committed results. */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ?? `${ROOT}bench/results`;
export const TMP_DIR = `${ROOT}bench/results/tmp`;
const WS_RELAY = fileURLToPath(new URL('../baselines/ws-relay.mjs', import.meta.url));
const HTTP_PG = fileURLToPath(new URL('../baselines/http-pg.mjs', import.meta.url));

function handle(name, child, port, extra = {}) {
  return {
    name,
    child,
    port,
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    readyMs: null,
    stop: (signal = 'SIGTERM') => stop(child, signal),
    ...extra,
  };
}

/**
 * Rate limits: off (the load generators send from a few addresses far faster than any client
 * would), or with BENCH_SAFETY=on every limit on but so high that it never refuses, to measure
 * what checking them costs.
 */
const NO_LIMITS = { RATE_LIMITS: 'off' };
const UNREACHABLE_LIMITS = {
  RATE_LIMITS: 'on',
  RATE_CHAT: '100000/100000',
  RATE_PACKETS: '100000/100000',
  RATE_REST: '100000/100000',
  RATE_LOGIN: '100000/100000',
  RATE_CONNECT: '100000/100000',
};

/** Our service. `env` overrides the bench defaults (e.g. REDIS_URL, PURGE_INTERVAL, DATA_DIR). */
export async function startApp(cfg, name, env = {}, { port, timeoutMs = 90_000, entry = APP_ENTRY } = {}) {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first (npm run bench does)`);
  port ??= await freePort();
  mkdirSync(TMP_DIR, { recursive: true });
  const profileFile = cfg.profile ? `${TMP_DIR}/${name}-${cfg.runId}.cpuprofile` : undefined;
  const started = performance.now();
  const child = startServer(
    name,
    [entry],
    {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: cfg.databaseUrl ?? '',
      DB_POOL_SIZE: String(cfg.dbPoolSize),
      REDIS_URL: '',
      REDIS_PREFIX: cfg.redisPrefix,
      JWT_SECRET: cfg.jwtSecret,
      SERVER_KEYS: `${cfg.gameIndex}:${cfg.serverKey}`,
      DEFAULT_GAME_INDEX: String(cfg.gameIndex),
      PURGE_INTERVAL: '0',
      WS_IDLE_TIMEOUT: '3600',
      PUBLIC_WS_ENDPOINT: `ws://127.0.0.1:${port}/ws`,
      ...(cfg.safety ? UNREACHABLE_LIMITS : NO_LIMITS),
      ...(profileFile ? { BENCH_CPU_PROF: profileFile } : {}),
      ...env,
    },
    { log: cfg.logServers, logFile: `${TMP_DIR}/${name}-${cfg.runId}.log` },
  );
  const app = handle(name, child, port, { profileFile });
  app.readyMs = await waitForHttp(`${app.url}/health/ready`, child, timeoutMs, started);
  return app;
}

export async function startWsRelay(cfg, name, env = {}) {
  const port = await freePort();
  const child = startServer(name, [WS_RELAY], { PORT: String(port), JWT_SECRET: cfg.jwtSecret, REDIS_URL: '', ...env }, { log: cfg.logServers, logFile: `${TMP_DIR}/${name}-${cfg.runId}.log` });
  const relay = handle(name, child, port);
  relay.readyMs = await waitForHttp(`${relay.url}/health/ready`, child);
  return relay;
}

export async function startHttpPg(cfg, name) {
  const port = await freePort();
  const child = startServer(
    name,
    [HTTP_PG],
    {
      PORT: String(port),
      DATABASE_URL: cfg.databaseUrl,
      JWT_SECRET: cfg.jwtSecret,
      SERVER_KEYS: `${cfg.gameIndex}:${cfg.serverKey}`,
      DB_POOL_SIZE: String(cfg.dbPoolSize),
    },
    { log: cfg.logServers, logFile: `${TMP_DIR}/${name}-${cfg.runId}.log` },
  );
  const server = handle(name, child, port);
  server.readyMs = await waitForHttp(`${server.url}/health/ready`, child);
  return server;
}

/**
 * Asks a server started with BENCH_PROFILE to write the CPU profile it recorded since the last
 * dump (see preload.mjs) and files it as `<server>-<label>.cpuprofile`; returns that path.
 * `label` null: discard what was recorded so far (called before a measurement starts).
 */
export async function dumpProfile(app, label) {
  if (!app?.profileFile) return null;
  const target = app.profileFile.replace(/\.cpuprofile$/, `-${label}.cpuprofile`);
  try {
    rmSync(app.profileFile, { force: true });
    process.kill(app.pid, 'SIGWINCH');
    for (let i = 0; i < 100 && !existsSync(app.profileFile); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300)); // let the write finish
    if (label === null) {
      rmSync(app.profileFile, { force: true }); // a reset: what was recorded so far is discarded
      return null;
    }
    renameSync(app.profileFile, target);
    return target;
  } catch {
    return null;
  }
}
