// Child processes of the bench: every one is started in its own process group and tracked, so
// that killAll() (run on normal exit, on failure and on SIGINT/SIGTERM) leaves nothing behind.
import { fork, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./preload.mjs', import.meta.url));
const children = new Set();

function track(child, name) {
  child.benchName = name;
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Kills every process group this bench started (SIGKILL: nothing of ours may survive). */
export function killAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  children.clear();
}

let handlersInstalled = false;
export function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`\n[bench] ${signal}: stopping every process the bench started`);
      killAll();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    console.error('[bench] uncaught exception:', err);
    killAll();
    process.exit(1);
  });
}

/**
 * A long-running server (our app or a baseline). Its output goes to `logFile` (the last lines are
 * quoted in error reports), not to a pipe the bench must drain: our service writes its log lines
 * synchronously, and a full pipe (a busy bench process) would stall its event loop for 100 ms per
 * retry, a cost of the bench, not of the service. With `log` (BENCH_LOG_SERVERS) the output comes
 * through a pipe and is printed. `--import preload.mjs` makes it exit when the bench dies and lets
 * the bench take a CPU profile on demand.
 */
export function startServer(name, args, env, { log = false, logFile } = {}) {
  let fd = null;
  if (!log && logFile) {
    mkdirSync(dirname(logFile), { recursive: true });
    fd = openSync(logFile, 'a');
  }
  const child = spawn(process.execPath, ['--import', PRELOAD, ...args], {
    env: { ...process.env, ...env, BENCH_PARENT_PID: String(process.pid) },
    stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe'],
    detached: true,
  });
  track(child, name);
  if (fd !== null) {
    closeSync(fd);
    Object.defineProperty(child, 'tail', {
      get: () => {
        try {
          return readFileSync(logFile, 'utf8').split('\n').filter(Boolean).slice(-60);
        } catch {
          return [];
        }
      },
    });
    return child;
  }
  const tail = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 60) tail.shift();
      if (log) console.log(`  [${name}] ${line}`);
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.tail = tail;
  return child;
}

/** A load generator: a forked module that talks to the bench over IPC. */
export function startGenerator(name, modulePath, extraEnv = {}) {
  const child = fork(modulePath, [], {
    env: { ...process.env, ...extraEnv, BENCH_PARENT_PID: String(process.pid) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
    execArgv: ['--max-old-space-size=1024'],
  });
  return track(child, name);
}

/** Resolves with the next IPC message of `type` from the child (rejects on exit or timeout). */
export function nextMessage(child, type, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${child.benchName}: no "${type}" message within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (msg) => {
      if (msg?.type === 'error') {
        cleanup();
        reject(new Error(`${child.benchName}: ${msg.message}`));
      } else if (msg?.type === type) {
        cleanup();
        resolve(msg);
      }
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`${child.benchName} exited (${code ?? signal}) before "${type}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * Runs one generator job: start, send the config, wait for its result, make sure it is gone.
 * `cpuOf` (pids): the CPU seconds those processes used between the generator's `mark` messages
 * (start/end of each measured window) are added to the result as `cpu[window]`.
 */
export async function runGenerator(name, modulePath, config, timeoutMs = 180_000, { cpuOf = [] } = {}) {
  const child = startGenerator(name, modulePath);
  const cpu = {};
  const starts = {};
  child.on('message', (msg) => {
    if (msg?.type !== 'mark' || cpuOf.length === 0) return;
    const used = cpuOf.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    if (msg.edge === 'start') starts[msg.window] = used;
    else if (starts[msg.window] !== undefined) cpu[msg.window] = Math.round((used - starts[msg.window]) * 100) / 100;
  });
  try {
    child.send({ type: 'run', config });
    const result = await nextMessage(child, 'result', timeoutMs);
    return cpuOf.length ? { ...result, cpu } : result;
  } finally {
    await stop(child, 'SIGKILL', 2_000);
  }
}

/** Stops a child (its whole group) and waits for it to be gone. */
export async function stop(child, signal = 'SIGTERM', graceMs = 10_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers 2xx; returns the milliseconds it took from `since`. */
export async function waitForHttp(url, child, timeoutMs = 60_000, since = performance.now()) {
  const deadline = since + timeoutMs;
  while (performance.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${child.benchName} exited (${child.exitCode ?? child.signalCode}) before ready:\n${child.tail?.join('\n')}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return performance.now() - since;
    } catch {
      /* not up yet */
    }
    await sleep(15);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms${child ? `:\n${child.tail?.join('\n')}` : ''}`);
}

/** Resident set size of a process, in bytes (Linux /proc). */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

/** CPU seconds (user+system) a process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

/** Waits until a process uses under `maxShare` of one core over `windowMs` (it has settled). */
export async function settle(pid, { maxShare = 0.05, windowMs = 300, timeoutMs = 30_000 } = {}) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const before = cpuSeconds(pid);
    await sleep(windowMs);
    const used = cpuSeconds(pid) - before;
    if (used / (windowMs / 1000) <= maxShare) return true;
  }
  return false;
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
