// Fan-out: one channel, every member connected over WebSocket, a few senders.
// Deliveries/s at saturation and p50/p99 send→receive latency at half that message rate, for our
// service with history off and on, and for the bare ws relay; alternated, medians quoted.
// Also the chart's sweep over channel sizes (10/100/500/2000).
// BENCH_FILTER_WORDS=N adds a variant of ours with a word filter of N entries (mask mode), and makes
// every variant send 200-character messages holding two listed entries.
import { fileURLToPath } from 'node:url';
import { hive, parallel } from '../lib/api.mjs';
import { runGenerator, settle } from '../lib/proc.mjs';
import { median, ratio, round } from '../lib/stats.mjs';
import { chatText, wordList } from '../lib/word-list.mjs';

const GEN = fileURLToPath(new URL('../gen/ws-fanout.mjs', import.meta.url));
const GROUP_MAX = 500;
/** Message length in word-filter runs (the longest a chat message may be). */
const FILTER_MESSAGE_CHARS = 200;
/** Room left in those messages for the generator's `b:<send time>` prefix. */
const TIMESTAMP_CHARS = 16;

/** One channel of ours, created and filled through the Hive API (GROUP: entered before connecting). */
export async function prepareOurChannel(ctx, baseUrl, { channelId, size, history, idBase }) {
  const api = hive(ctx.cfg, baseUrl);
  const type = size <= GROUP_MAX ? 'GROUP' : 'PUBLIC';
  await api.createChannel({ channelId, channelName: `bench ${size}`, maxMemberCount: Math.max(2, size), type, chatHistoryAllowed: history });
  const memberIds = Array.from({ length: size }, (_, i) => idBase + i);
  // PUBLIC channels may only be entered by connected players: the generator enters over the socket.
  if (type === 'GROUP') await parallel(size, 16, (i) => api.enter(channelId, memberIds[i]));
  return { channelId, memberIds, enterViaWs: type !== 'GROUP' };
}

/** One generator run against `urls`: saturate, then half load. */
export async function measureFanout(
  ctx,
  { urls, channelId, memberIds, enterViaWs, pid, pids = [pid], senders = ctx.cfg.fanout.senders, messageSuffix = '' },
) {
  const { cfg } = ctx;
  for (const p of pids) await settle(p, { timeoutMs: 20_000 });
  const result = await runGenerator('fanout-gen', GEN, {
    urls,
    secret: cfg.jwtSecret,
    gameIndex: cfg.gameIndex,
    channelId,
    memberIds,
    enterViaWs,
    senders,
    messageSuffix,
    phases: [
      { name: 'saturation', kind: 'saturate', window: cfg.fanout.window, warmupMs: cfg.warmupMs, durationMs: cfg.phaseMs },
      { name: 'half', kind: 'rate', rate: 'half', warmupMs: cfg.warmupMs, durationMs: cfg.phaseMs },
    ],
  }, 300_000, { cpuOf: pids });
  const [sat, half] = result.phases;
  const satCpu = result.cpu?.saturation;
  return {
    deliveriesPerSec: sat.deliveriesPerSec,
    messagesPerSec: sat.messagesPerSec,
    // Server CPU during the saturation window: cores busy, and deliveries per core-second (capacity model).
    serverCores: satCpu != null ? round(satCpu / sat.seconds) : null,
    deliveriesPerCoreSecond: satCpu ? round(sat.deliveries / satCpu) : null,
    saturationP99Ms: sat.latencyMs.p99,
    halfRateMessagesPerSec: half.rate,
    halfDeliveriesPerSec: half.deliveriesPerSec,
    p50Ms: half.latencyMs.p50,
    p99Ms: half.latencyMs.p99,
    ackP99Ms: half.ackLatencyMs.p99,
    completeness: sat.deliveryCompleteness,
    refused: sat.messagesRefused + half.messagesRefused,
    refusedStatuses: { ...sat.refusedStatuses, ...half.refusedStatuses },
    connectMs: result.connectMs,
  };
}

function summarizeRuns(runs) {
  const pick = (key) => round(median(runs.map((r) => r[key])));
  return {
    deliveriesPerSec: pick('deliveriesPerSec'),
    messagesPerSec: pick('messagesPerSec'),
    p50Ms: pick('p50Ms'),
    p99Ms: pick('p99Ms'),
    saturationP99Ms: pick('saturationP99Ms'),
    serverCores: pick('serverCores'),
    deliveriesPerCoreSecond: pick('deliveriesPerCoreSecond'),
    ackP99Ms: pick('ackP99Ms'),
    completeness: pick('completeness'),
    rounds: runs,
  };
}

/**
 * Word-filter runs (BENCH_FILTER_WORDS): the list, and the text every variant sends after its
 * timestamp (two listed entries in it, so mask mode masks in every message).
 */
function filterSetup(cfg) {
  if (!cfg.fanout.filterWords) return null;
  const words = wordList(cfg.fanout.filterWords);
  return { words, suffix: ` ${chatText(words, FILTER_MESSAGE_CHARS - TIMESTAMP_CHARS - 1)}` };
}

/**
 * One channel size: ours (history off, on when asked, filtered in word-filter runs) and the
 * relay, alternated for `rounds`.
 */
async function measureSize(ctx, size, { withHistory, rounds }) {
  const { cfg, app, relay, log } = ctx;
  const filter = filterSetup(cfg);
  const variants = ['baseline', 'historyOff', ...(withHistory ? ['historyOn'] : []), ...(filter ? ['filtered'] : [])];
  // The word filter is per game: it is set before the filtered variant's runs and emptied before the others.
  const api = hive(cfg, app.url);
  let filterOn = false;
  const useFilter = async (on) => {
    if (!filter || on === filterOn) return;
    await api.setFilter(on ? filter.words : [], 'mask');
    filterOn = on;
  };
  const channels = {};
  for (const [v, variant] of variants.entries()) {
    // Distinct players per channel (far above the other scenarios' id ranges).
    const idBase = 10_000_000 + (size * 3 + v) * 10_000;
    if (variant === 'baseline') {
      channels[variant] = { channelId: `bench-relay-${size}`, memberIds: Array.from({ length: size }, (_, i) => idBase + i), enterViaWs: true };
    } else {
      log(`  fan-out ${size}: creating ${variant} channel (${size} members)`);
      channels[variant] = await prepareOurChannel(ctx, app.url, {
        channelId: `bench-fan-${size}-${variant}-${cfg.runId}`,
        size,
        history: variant === 'historyOn',
        idBase,
      });
    }
  }
  const runs = Object.fromEntries(variants.map((v) => [v, []]));
  await ctx.profileReset?.();
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const target = variant === 'baseline' ? relay : app;
      if (variant !== 'baseline') await useFilter(variant === 'filtered');
      // In channels of 10 or fewer every member sends: many concurrent writers is what group commit is for.
      const senders = size <= 10 ? size : cfg.fanout.senders;
      const res = await measureFanout(ctx, {
        urls: [target.wsUrl],
        pid: target.pid,
        senders,
        messageSuffix: filter?.suffix ?? '',
        ...channels[variant],
      });
      log(
        `  fan-out ${size} ${variant.padEnd(10)} round ${r + 1}: ${res.deliveriesPerSec} deliveries/s (${res.serverCores} cores), ` +
          `p50 ${res.p50Ms} ms, p99 ${res.p99Ms} ms at ${res.halfRateMessagesPerSec} msg/s${res.refused ? `, ${res.refused} refused ${JSON.stringify(res.refusedStatuses)}` : ''}`,
      );
      runs[variant].push(res);
    }
  }
  await useFilter(false);
  const entry = { size, ...Object.fromEntries(variants.map((v) => [v, summarizeRuns(runs[v])])) };
  if (filter) {
    entry.filterWords = filter.words.length;
    // As sent: `b:` and a send time of about ten characters, then the suffix.
    entry.messageChars = `b:${(123456.789).toFixed(3)}${filter.suffix}`.length;
    entry.filteredRatio = ratio(entry.filtered.deliveriesPerSec, entry.baseline.deliveriesPerSec);
    entry.filteredVsHistoryOff = ratio(entry.filtered.deliveriesPerSec, entry.historyOff.deliveriesPerSec);
  }
  entry.deliveriesRatio = ratio(entry.historyOff.deliveriesPerSec, entry.baseline.deliveriesPerSec);
  if (entry.historyOn) entry.historyOnDeliveriesRatio = ratio(entry.historyOn.deliveriesPerSec, entry.baseline.deliveriesPerSec);
  entry.p99Ratio = ratio(entry.historyOff.p99Ms, entry.baseline.p99Ms);
  await ctx.profile?.(`fanout-${size}`);
  return entry;
}

/** The issue's fan-out scenario: the main size (500), every variant, `rounds` rounds. */
export async function fanout(ctx) {
  const { cfg } = ctx;
  const entry = await measureSize(ctx, cfg.fanout.size, { withHistory: true, rounds: cfg.rounds });
  const out = {
    size: cfg.fanout.size,
    senders: cfg.fanout.senders,
    window: cfg.fanout.window,
    baseline: entry.baseline,
    historyOff: entry.historyOff,
    historyOn: entry.historyOn,
    historyOffRatio: entry.deliveriesRatio,
    historyOnRatio: entry.historyOnDeliveriesRatio,
    bySize: [entry],
  };
  if (entry.filtered) {
    Object.assign(out, {
      filterWords: entry.filterWords,
      messageChars: entry.messageChars,
      filtered: entry.filtered,
      filteredRatio: entry.filteredRatio,
      filteredVsHistoryOff: entry.filteredVsHistoryOff,
    });
  }
  out.goals = {
    historyOff: { goal: '>= 0.8 of baseline deliveries/s', value: out.historyOffRatio, met: out.historyOffRatio >= 0.8 },
    historyOn: { goal: '>= 0.6 of baseline deliveries/s', value: out.historyOnRatio, met: out.historyOnRatio >= 0.6 },
    p99HistoryOff: { goal: 'p99 <= 25 ms at half load', value: out.historyOff?.p99Ms, met: out.historyOff?.p99Ms <= 25 },
    p99HistoryOn: { goal: 'p99 <= 25 ms at half load', value: out.historyOn?.p99Ms, met: out.historyOn?.p99Ms <= 25 },
  };
  return out;
}

/**
 * The chart's sweep over the other channel sizes (one round each; history on too at the smallest
 * size, where the message rate is highest: that measures the group commit). Runs last; a size that
 * would not fit in the time budget is skipped and said so.
 */
export async function fanoutSizes(ctx) {
  const { cfg, log } = ctx;
  const sizes = cfg.fanout.chartSizes.filter((s) => s !== cfg.fanout.size).sort((a, b) => a - b);
  const out = { bySize: [], skipped: [] };
  for (const size of sizes) {
    // Rough cost on this kind of machine: a big PUBLIC channel means an enter/leave storm.
    const estimate = size > 500 ? 110 : 40;
    if (ctx.elapsedSeconds() + estimate > cfg.budgetSeconds) {
      log(`  fan-out ${size}: SKIPPED (about ${estimate} s needed, ${Math.round(cfg.budgetSeconds - ctx.elapsedSeconds())} s of budget left)`);
      out.skipped.push(size);
      continue;
    }
    out.bySize.push(await measureSize(ctx, size, { withHistory: size === sizes[0], rounds: 1 }));
  }
  return out;
}
