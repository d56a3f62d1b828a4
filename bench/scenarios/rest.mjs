// Party REST and Channel REST: join→leave / enter→exit cycles per second with 50
// concurrent players, and party search / channel list with filters on 100,000 rows; ours and the
// node:http + pg baseline (same SQL) alternate on the same database.
import { fileURLToPath } from 'node:url';
import { call, hive, parallel } from '../lib/api.mjs';
import { seedChannels, seedParties } from '../lib/db.mjs';
import { runGenerator, settle } from '../lib/proc.mjs';
import { median, ratio, round } from '../lib/stats.mjs';

const GEN = fileURLToPath(new URL('../gen/http-load.mjs', import.meta.url));
const PARTIES = '/api/table/services/parties';

async function load(ctx, target, config) {
  await settle(target.pid, { timeoutMs: 20_000 });
  const res = await runGenerator('http-load', GEN, { baseUrl: target.url, warmupMs: ctx.cfg.warmupMs, durationMs: ctx.cfg.phaseMs, ...config }, 180_000, {
    cpuOf: [target.pid],
  });
  // Server process CPU (the database's is not counted): cores busy and requests per core-second.
  res.serverCores = res.cpu?.run != null ? round(res.cpu.run / res.seconds) : null;
  res.requestsPerCoreSecond = res.cpu?.run ? round(res.requests / res.cpu.run) : null;
  return res;
}

/** Same request to ours and to the baseline: are the response bodies byte-identical? (fairness check) */
async function parity(ctx, paths, bearer) {
  const differing = [];
  for (const path of paths) {
    const [a, b] = await Promise.all([call(ctx.app.url, 'GET', path, { bearer }), call(ctx.restBaseline.url, 'GET', path, { bearer })]);
    if (JSON.stringify(a.json) !== JSON.stringify(b.json)) differing.push(path);
  }
  if (differing.length) ctx.log(`  baseline answers differ from ours for ${differing.join(', ')}`);
  return { compared: paths.length, identical: paths.length - differing.length, differing };
}

/** Alternates baseline and ours for `rounds`; `before(target)` runs ahead of each measurement. */
async function alternate(ctx, label, config, { before, rate = 'cyclesPerSec' } = {}) {
  const { cfg, app, restBaseline, log } = ctx;
  const variants = [
    ['baseline', restBaseline],
    ['ours', app],
  ];
  const runs = { baseline: [], ours: [] };
  await ctx.profileReset?.();
  for (let r = 0; r < cfg.rounds; r++) {
    for (const [name, target] of r % 2 === 0 ? variants : [...variants].reverse()) {
      if (before) await before(target);
      const res = await load(ctx, target, config);
      // Then the same at half that rate (paced): the latency a user sees when the server is not saturated.
      if (before) await before(target);
      const half = await load(ctx, target, { ...config, cyclesPerSec: Math.max(1, res.cyclesPerSec / 2) });
      res.half = { cyclesPerSec: half.cyclesPerSec, latencyMs: half.latencyMs, failedRequests: half.failedRequests };
      log(
        `  ${label} ${name.padEnd(8)} round ${r + 1}: ${res[rate]} ${rate === 'cyclesPerSec' ? 'cycles' : 'requests'}/s, ` +
          `p50 ${res.latencyMs.p50} ms, p99 ${res.latencyMs.p99} ms; at half load p50 ${half.latencyMs.p50} ms, p99 ${half.latencyMs.p99} ms` +
          `${res.failedRequests ? `, ${res.failedRequests} failed ${JSON.stringify(res.statuses)} ${res.errorSamples[0] ?? ''}` : ''}`,
      );
      delete res.timeline;
      runs[name].push(res);
    }
  }
  const summary = (list) => ({
    perSec: round(median(list.map((x) => x[rate]))),
    p50Ms: round(median(list.map((x) => x.latencyMs.p50))),
    p99Ms: round(median(list.map((x) => x.latencyMs.p99))),
    halfLoadP50Ms: round(median(list.map((x) => x.half.latencyMs.p50))),
    halfLoadP99Ms: round(median(list.map((x) => x.half.latencyMs.p99))),
    serverCores: round(median(list.map((x) => x.serverCores))),
    requestsPerCoreSecond: round(median(list.map((x) => x.requestsPerCoreSecond))),
    failedRequests: list.reduce((n, x) => n + x.failedRequests, 0),
    errorSamples: list.flatMap((x) => x.errorSamples).slice(0, 3),
    rounds: list.map(({ errorSamples: _samples, ...x }) => x),
  });
  const out = { unit: rate === 'cyclesPerSec' ? 'cycles/s' : 'requests/s', baseline: summary(runs.baseline), ours: summary(runs.ours) };
  out.throughputRatio = ratio(out.ours.perSec, out.baseline.perSec);
  out.p99Ratio = ratio(out.ours.p99Ms, out.baseline.p99Ms);
  out.halfLoadP99Ratio = ratio(out.ours.halfLoadP99Ms, out.baseline.halfLoadP99Ms);
  out.goals = {
    throughput: { goal: '>= 0.5 of baseline', value: out.throughputRatio, met: out.throughputRatio >= 0.5 },
    // At saturation 50 closed-loop users queue by construction (p99 ~ 50 / rate); the goal is read at half load.
    p99: { goal: 'p99 <= 50 ms at half load', value: out.ours.halfLoadP99Ms, met: out.ours.halfLoadP99Ms <= 50 },
  };
  return out;
}

export async function partyRest(ctx) {
  const { cfg, app, log } = ctx;
  const { users: userCount, partyCapacity, seedParties: seedCount } = cfg.rest;
  const api = hive(cfg, app.url);
  // Players get their tokens (and profiles) the way a game server hands them over.
  const ownerIds = Array.from({ length: Math.ceil(userCount / 5) }, (_, i) => 3_000_000 + i);
  const userIds = Array.from({ length: userCount }, (_, i) => 3_100_000 + i);
  const tokens = new Map();
  await parallel(ownerIds.length + userIds.length, 10, async (i) => {
    const id = i < ownerIds.length ? ownerIds[i] : userIds[i - ownerIds.length];
    tokens.set(id, await api.token(id));
  });
  // Parties of capacity 10 with their Owner; 5 players cycle on each, so a join never finds it full.
  const partyIds = [];
  for (const owner of ownerIds) {
    const res = await call(app.url, 'POST', PARTIES, {
      bearer: tokens.get(owner),
      body: { data: { name: `bench cycle ${owner}`, max_member_count: partyCapacity } },
    });
    partyIds.push(res.json.row.id);
  }
  const users = userIds.map((id, i) => ({ headers: { authorization: `Bearer ${tokens.get(id)}` }, vars: { partyId: partyIds[i % partyIds.length] } }));
  // A run cut short could leave someone inside: every measurement starts with everyone outside.
  const leaveAll = (target) =>
    parallel(users.length, 10, (i) => call(target.url, 'DELETE', `${PARTIES}/${users[i].vars.partyId}`, { bearer: tokens.get(userIds[i]), ok: [200, 404] }));
  const out = { users: userCount, partyCapacity, parties: partyIds.length };
  out.joinLeave = await alternate(
    ctx,
    'party join→leave',
    {
      users,
      steps: [
        { name: 'join', method: 'POST', path: `${PARTIES}/{partyId}`, body: {} },
        { name: 'leave', method: 'DELETE', path: `${PARTIES}/{partyId}` },
      ],
    },
    { before: leaveAll },
  );
  await ctx.profile?.('party-cycle');

  log(`  seeding ${seedCount} parties`);
  await seedParties(cfg.databaseUrl, cfg.gameIndex, seedCount, 3_500_000);
  out.seededParties = seedCount;
  const searchPaths = [
    `${PARTIES}?query=dragon&limit=50`,
    `${PARTIES}?limit=50`,
    `${PARTIES}?query=storm%201&skip=50&limit=50`,
    `${PARTIES}?query=no-such-party&limit=50`,
    `${PARTIES}?query=party&skip=5000&limit=50`,
  ];
  out.baselineParity = await parity(ctx, searchPaths, tokens.get(userIds[0]));
  out.search = await alternate(
    ctx,
    'party search',
    {
      users,
      steps: [
        {
          name: 'search',
          method: 'GET',
          paths: searchPaths,
        },
      ],
    },
    { rate: 'requestsPerSec' },
  );
  await ctx.profile?.('party-search');
  return out;
}

export async function channelRest(ctx) {
  const { cfg, app, log } = ctx;
  const { users: userCount, seedChannels: seedCount } = cfg.rest;
  const api = hive(cfg, app.url);
  const channelIds = Array.from({ length: Math.ceil(userCount / 10) }, (_, i) => `bench-rest-${cfg.runId}-${i}`);
  for (const channelId of channelIds) {
    await api.createChannel({ channelId, channelName: 'bench rest', maxMemberCount: 500, type: 'GROUP' });
  }
  const userIds = Array.from({ length: userCount }, (_, i) => 4_000_000 + i);
  const auth = { authorization: `Bearer ${cfg.serverKey}` };
  const users = userIds.map((playerId, i) => ({ headers: auth, vars: { playerId, channelId: channelIds[i % channelIds.length] } }));
  const exitAll = (target) =>
    parallel(users.length, 10, (i) => hive(cfg, target.url).exit(users[i].vars.channelId, users[i].vars.playerId, [200, 400]));
  const base = `/api/v1/games/${cfg.gameIndex}/channels`;
  const out = { users: userCount, channels: channelIds.length };
  out.enterExit = await alternate(
    ctx,
    'channel enter→exit',
    {
      users,
      steps: [
        { name: 'enter', method: 'POST', path: `${base}/{channelId}/enter`, body: { playerId: '{playerId}' } },
        { name: 'exit', method: 'POST', path: `${base}/{channelId}/exit`, body: { playerId: '{playerId}' } },
      ],
    },
    { before: exitAll },
  );
  await ctx.profile?.('channel-cycle');

  log(`  seeding ${seedCount} channels`);
  await seedChannels(cfg.databaseUrl, cfg.gameIndex, seedCount, `bench-list-${cfg.runId}-`);
  out.seededChannels = seedCount;
  const listPaths = [
    `${base}?size=10`,
    `${base}?type=GROUP&size=10&page=3`,
    `${base}?channelName=dragon&size=10`,
    `${base}?channelId=bench-list-${cfg.runId}-12&size=10`,
    `${base}?sort=channelName&order=ASC&size=10&page=20`,
  ];
  out.baselineParity = await parity(ctx, listPaths, cfg.serverKey);
  out.list = await alternate(
    ctx,
    'channel list',
    {
      users: users.map(() => ({ headers: auth, vars: {} })),
      steps: [
        {
          name: 'list',
          method: 'GET',
          paths: listPaths,
        },
      ],
    },
    { rate: 'requestsPerSec' },
  );
  await ctx.profile?.('channel-list');
  return out;
}
