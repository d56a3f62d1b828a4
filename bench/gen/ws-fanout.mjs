// Fan-out load generator (one process): connects every member of one channel over WebSocket
// (members spread round-robin over `urls`), then runs phases:
//   saturate: each of `senders` members keeps `window` CHANNEL_CHAT requests in flight;
//   rate:     the senders together send `rate` messages per second (open loop);
//   count:    exactly `messages` messages at `rate`, then waits for their deliveries;
//   barrier:  tells the bench and waits for `continue` (e.g. to start a Redis MONITOR).
// Each message's text starts with its send time (`b:<ms>`, then `messageSuffix` if given); every
// NOTIFY_CHANNEL_CHAT received counts as one delivery and gives one send→receive latency. Senders
// and receivers share this process's clock.
import { signPlayerToken } from '../lib/jwt.mjs';
import { Samples, round } from '../lib/stats.mjs';
import { serve, sleep } from './common.mjs';
import { HiveClient, pool } from './wsclient.mjs';

const MARK = Buffer.from('"b:');

serve({
  run: async ({ config }) => process.send({ type: 'result', ...(await run(config)) }),
});

let continueResolver = null;
process.on('message', (msg) => {
  if (msg?.type === 'continue' && continueResolver) continueResolver();
});

async function run(config) {
  const { urls, secret, gameIndex, channelId, memberIds, enterViaWs = false, connectConcurrency = 100 } = config;
  const senderCount = Math.min(config.senders ?? 4, memberIds.length);
  const state = { measuring: false, deliveries: 0, latencies: null, lastDeliveryAt: 0 };

  const onPush = (data) => {
    const at = performance.now();
    state.lastDeliveryAt = at;
    const i = data.indexOf(MARK);
    if (i < 0 || !data.includes('NOTIFY_CHANNEL_CHAT')) return;
    let end = i + 3; // the send time runs up to the first byte that is not a digit or a dot
    while (end < data.length && ((data[end] >= 0x30 && data[end] <= 0x39) || data[end] === 0x2e)) end++;
    const sentAt = Number(data.toString('latin1', i + 3, end));
    if (!state.measuring) return;
    state.deliveries++;
    state.latencies.add(at - sentAt);
  };

  // Connect (and enter, for servers that learn membership over the socket).
  const clients = new Array(memberIds.length);
  const connectStart = performance.now();
  const errors = await pool(memberIds.length, connectConcurrency, async (i) => {
    const client = new HiveClient(urls[i % urls.length], { onPush });
    await client.open();
    clients[i] = client;
    await client.connect(signPlayerToken(secret, gameIndex, memberIds[i]));
    if (enterViaWs) {
      const response = await client.request('ENTER_CHANNEL', { channelId });
      if (response.status !== 200 && response.body?.code !== 302) {
        throw new Error(`ENTER_CHANNEL refused: ${response.status} ${response.message}`);
      }
    }
  });
  if (errors.length) {
    for (const c of clients) c?.terminate();
    throw new Error(`${errors.length} of ${memberIds.length} members failed to connect/enter; first: ${errors[0].message}`);
  }
  const connectMs = performance.now() - connectStart;
  // Let the notifications of the entering settle before measuring.
  await quiet(state, 300, 60_000);

  const senders = clients.slice(0, senderCount).map((client) => ({ client, inFlight: 0 }));
  const recipients = memberIds.length - 1;
  const phases = [];
  for (const phase of config.phases) {
    if (phase.kind === 'barrier') {
      process.send({ type: 'barrier', name: phase.name });
      await new Promise((resolve) => (continueResolver = resolve));
      continueResolver = null;
      continue;
    }
    // rate 'half': half the message rate the previous saturate phase reached.
    const saturated = phases.findLast((p) => p.kind === 'saturate');
    const resolved = phase.rate === 'half' ? { ...phase, rate: Math.max(1, (saturated?.messagesPerSec ?? 2) / 2) } : phase;
    const result = await runPhase(resolved, senders, channelId, state, recipients, config.messageSuffix ?? '');
    phases.push({ name: phase.name, kind: phase.kind, rate: resolved.rate ? round(resolved.rate) : undefined, ...result });
  }
  for (const c of clients) c.terminate();
  return { members: memberIds.length, recipients, senders: senderCount, connectMs: round(connectMs), phases };
}

async function runPhase(phase, senders, channelId, state, recipients, suffix) {
  const warmupMs = phase.warmupMs ?? 1000;
  const durationMs = phase.durationMs ?? 5000;
  const acks = { ok: 0, failed: 0, statuses: {}, latencies: new Samples(1024) };
  let sent = 0;
  let stopped = false;
  let measureStart;
  let measureEnd;

  const sendOne = (sender) => {
    sender.inFlight++;
    sent++;
    const sentAt = performance.now();
    sender.client
      .request('CHANNEL_CHAT', { channelId, message: `b:${sentAt.toFixed(3)}${suffix}` })
      .then((response) => {
        sender.inFlight--;
        if (response.status === 200) {
          acks.ok++;
          if (state.measuring) acks.latencies.add(performance.now() - sentAt);
        } else {
          acks.failed++;
          const key = `${response.status}/${response.body?.code ?? ''}`;
          acks.statuses[key] = (acks.statuses[key] ?? 0) + 1;
        }
        if (phase.kind === 'saturate' && !stopped) sendOne(sender);
      })
      .catch(() => {
        sender.inFlight--;
        acks.failed++;
      });
  };

  state.deliveries = 0;
  state.latencies = new Samples();
  const start = performance.now();
  let ticker = null;
  if (phase.kind === 'saturate') {
    for (const sender of senders) for (let k = 0; k < (phase.window ?? 4); k++) sendOne(sender);
  } else {
    // Open loop: whatever is due by now goes out, round-robin over the senders.
    const rate = phase.rate;
    const limit = phase.kind === 'count' ? phase.messages : Infinity;
    let turn = 0;
    ticker = setInterval(() => {
      const due = Math.min(limit, Math.floor(((performance.now() - start) * rate) / 1000)) - sent;
      for (let k = 0; k < due; k++) {
        const sender = senders[turn++ % senders.length];
        if (sender.inFlight < 1000) sendOne(sender);
        else sent++; // counted as due but dropped: the server is not keeping up
      }
    }, 2);
  }

  if (phase.kind === 'count') {
    state.measuring = true;
    measureStart = performance.now();
    const expectedMs = (phase.messages / phase.rate) * 1000;
    await sleep(expectedMs);
    while (sent < phase.messages) await sleep(5);
    clearInterval(ticker);
    await quiet(state, 500, 15_000);
    measureEnd = performance.now();
    state.measuring = false;
  } else {
    await sleep(warmupMs);
    state.deliveries = 0;
    state.latencies = new Samples();
    acks.ok = 0;
    acks.failed = 0;
    const sentBefore = sent;
    state.measuring = true;
    measureStart = performance.now();
    process.send({ type: 'mark', window: phase.name, edge: 'start' });
    await sleep(durationMs);
    process.send({ type: 'mark', window: phase.name, edge: 'end' });
    state.measuring = false;
    measureEnd = performance.now();
    sent -= sentBefore;
    stopped = true;
    if (ticker) clearInterval(ticker);
  }
  const seconds = (measureEnd - measureStart) / 1000;
  const deliveries = state.deliveries;
  const latency = state.latencies.summary();
  // Drain what is still in flight so that the next phase starts clean.
  const drainStart = performance.now();
  while (senders.some((s) => s.inFlight > 0) && performance.now() - drainStart < 15_000) await sleep(20);
  await quiet(state, 200, 15_000);
  return {
    seconds: round(seconds),
    messagesSent: sent,
    messagesAcked: acks.ok,
    messagesRefused: acks.failed,
    refusedStatuses: acks.statuses,
    messagesPerSec: round(acks.ok / seconds),
    deliveries,
    deliveriesPerSec: round(deliveries / seconds),
    // deliveries / (acked × recipients): below 1 means some members did not get a message in time.
    deliveryCompleteness: acks.ok ? round(deliveries / (acks.ok * recipients), 3) : null,
    latencyMs: latency,
    ackLatencyMs: acks.latencies.summary(),
  };
}

/** Waits until no push has arrived for `quietMs` (or `maxMs` passed). */
async function quiet(state, quietMs, maxMs) {
  const start = performance.now();
  while (performance.now() - start < maxMs) {
    if (performance.now() - state.lastDeliveryAt >= quietMs) return;
    await sleep(Math.min(quietMs, 50));
  }
}
