// HTTP load generator: `users` virtual users, each running `steps` in a loop over one keep-alive
// connection of its own (closed loop; or paced when `cyclesPerSec` is set). One pass through the
// steps is a cycle. Step templates: `{name}` in path/body is replaced by the user's vars[name];
// a step with `paths` picks one per cycle, round-robin. Records every request's latency (and,
// with `timeline`, its wall-clock time so that the bench can split a run into periods).
import http from 'node:http';
import { Samples, round } from '../lib/stats.mjs';
import { serve, sleep, wallMs } from './common.mjs';

serve({
  run: async ({ config }) => process.send({ type: 'result', ...(await run(config)) }),
});

function fill(template, vars) {
  return template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(String(vars[name])));
}

function fillBody(body, vars) {
  if (body === undefined) return undefined;
  return JSON.stringify(body, (_key, value) =>
    typeof value === 'string' && /^\{\w+\}$/.test(value) ? vars[value.slice(1, -1)] : value,
  );
}

function send(agent, baseUrl, method, path, headers, body) {
  return new Promise((resolve) => {
    const url = new URL(path, baseUrl);
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
        res.on('error', (err) => resolve({ status: 0, body: String(err) }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, body: String(err) }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function run(config) {
  const { baseUrl, users, steps, durationMs = 5000, warmupMs = 1000, cyclesPerSec = null, timeline = false } = config;
  const latencies = new Samples();
  const perStep = steps.map(() => new Samples(4096));
  const statuses = {};
  const errorSamples = [];
  const points = timeline ? [] : null;
  let measuring = false;
  let stopped = false;
  let cycles = 0;
  let requests = 0;
  let failedRequests = 0;
  let iteration = 0;

  const user = async (u, index) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const headers = u.headers ?? {};
    const interval = cyclesPerSec ? (users.length * 1000) / cyclesPerSec : 0;
    let nextAt = performance.now() + (interval * index) / users.length;
    while (!stopped) {
      if (interval) {
        const wait = nextAt - performance.now();
        if (wait > 0) await sleep(wait);
        nextAt += interval;
        if (stopped) break;
      }
      const n = iteration++;
      let cycleOk = true;
      for (let s = 0; s < steps.length; s++) {
        const step = steps[s];
        const path = fill(step.paths ? step.paths[n % step.paths.length] : step.path, u.vars ?? {});
        const t0 = performance.now();
        const res = await send(agent, baseUrl, step.method, path, headers, fillBody(step.body, u.vars ?? {}));
        const ms = performance.now() - t0;
        const ok = (step.expect ?? [200, 201]).includes(res.status);
        if (measuring) {
          requests++;
          latencies.add(ms);
          perStep[s].add(ms);
          if (points) points.push(round(wallMs(), 1), round(ms, 2));
          if (!ok) {
            failedRequests++;
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
            if (errorSamples.length < 3) errorSamples.push(`${step.method} ${path} → ${res.status} ${res.body.slice(0, 300)}`);
          }
        }
        if (!ok) {
          cycleOk = false;
          break;
        }
      }
      if (measuring && cycleOk) cycles++;
    }
    agent.destroy();
  };

  const running = users.map((u, i) => user(u, i));
  await sleep(warmupMs);
  process.send({ type: 'measuring' });
  process.send({ type: 'mark', window: 'run', edge: 'start' });
  measuring = true;
  const t0 = performance.now();
  const startedAt = wallMs();
  // durationMs null: run until the bench sends `stop` (the purge scenario does not know how long).
  if (durationMs === null) await new Promise((resolve) => process.on('message', (msg) => msg?.type === 'stop' && resolve()));
  else await sleep(durationMs);
  process.send({ type: 'mark', window: 'run', edge: 'end' });
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  stopped = true;
  await Promise.all(running);
  return {
    users: users.length,
    seconds: round(seconds),
    startedAt,
    cycles,
    cyclesPerSec: round(cycles / seconds),
    requests,
    requestsPerSec: round(requests / seconds),
    failedRequests,
    statuses,
    errorSamples,
    latencyMs: latencies.summary(),
    stepLatencyMs: perStep.map((s, i) => ({ step: steps[i].name ?? `${steps[i].method} ${steps[i].path ?? steps[i].paths?.[0]}`, ...s.summary() })),
    timeline: points,
  };
}
