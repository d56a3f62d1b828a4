// Fleet load generator (one process, at most ~19,000 sockets: its own open-file limit): opens
// `count` WebSockets spread round-robin over `urls` (socket i goes to urls[(offset + i) % n]),
// from the source addresses in `localAddresses` (socket i from localAddresses[i % k], so that no
// address runs out of ephemeral ports), each authenticated with CONNECT, `concurrency` at once.
// The first `parties.length × partySize` sockets are the chatting players: party p is sockets
// [p × size, (p + 1) × size), consecutive sockets, so its members sit on different instances.
// Messages:
//   run      → prepared (tokens signed), then waits for go → progress… → connected
//   chat     → every chatting player sends one CHANNEL_CHAT every `intervalMs` (random phase);
//              messages sent inside the measured window are followed to every other member of
//              the party (sender and receivers share this process's clock) → chatted
//   close    → result (how many held sockets the server closed meanwhile), sockets terminated
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { signPlayerToken } from '../lib/jwt.mjs';
import { Samples, round } from '../lib/stats.mjs';
import { serve, sleep, wallMs } from './common.mjs';
import { HiveClient, pool } from './wsclient.mjs';

const MARK = Buffer.from('"b:');
/** Filler after the send time: a chat line of ordinary length. */
const TEXT = ' anyone up for the raid tonight? bring potions';

let clients = [];
let config = null;
/** Receiving side of the chat: what arrived for messages sent inside the measured window. */
const chat = { windowStart: Infinity, windowEnd: -Infinity, deliveries: 0, latencies: new Samples(1024), lastAt: 0 };

const noop = () => {};
const onChatPush = (data) => {
  const at = performance.now();
  const i = data.indexOf(MARK);
  if (i < 0 || !data.includes('NOTIFY_CHANNEL_CHAT')) return;
  let end = i + 3; // the send time runs up to the first byte that is not a digit or a dot
  while (end < data.length && ((data[end] >= 0x30 && data[end] <= 0x39) || data[end] === 0x2e)) end++;
  const sentAt = Number(data.toString('latin1', i + 3, end));
  chat.lastAt = at;
  if (sentAt < chat.windowStart || sentAt > chat.windowEnd) return;
  chat.deliveries++;
  chat.latencies.add(at - sentAt);
};

serve({
  run: async (msg) => {
    config = msg.config;
    const { urls, offset = 0, localAddresses, secret, gameIndex, idStart, count, concurrency = 50, chatters = 0, deadlineMs = Infinity } = config;
    // Tokens are signed before the clock starts: the client's signing is not the server's work.
    const tokens = Array.from({ length: count }, (_, i) => signPlayerToken(secret, gameIndex, idStart + i));
    process.send({ type: 'prepared' });
    await new Promise((resolve) => process.once('message', (m) => m?.type === 'go' && resolve()));
    clients = new Array(count);
    const perUrl = new Array(urls.length).fill(0);
    const latencies = new Samples(count);
    const startedAt = wallMs();
    let lastOkAt = startedAt;
    let ok = 0;
    let skipped = 0;
    const progress = setInterval(() => process.send({ type: 'progress', ok, at: wallMs() }), 5_000);
    const errors = await pool(count, concurrency, async (i) => {
      // Past the deadline no new socket is opened: the run stays bounded in time and reports the gap.
      if (wallMs() - startedAt > deadlineMs) {
        skipped++;
        return;
      }
      const u = (offset + i) % urls.length;
      const client = new HiveClient(urls[u], { localAddress: localAddresses[i % localAddresses.length], onPush: i < chatters ? onChatPush : noop });
      clients[i] = client;
      const t = performance.now();
      await client.open(60_000);
      await client.connect(tokens[i]);
      latencies.add(performance.now() - t);
      ok++;
      perUrl[u]++;
      lastOkAt = wallMs();
    });
    clearInterval(progress);
    process.send({
      type: 'connected',
      ok,
      failed: errors.length,
      skipped,
      firstError: errors[0]?.message ?? null,
      startedAt,
      lastOkAt,
      perUrl,
      connectLatencyMs: latencies.summary(),
    });
  },

  chat: async ({ warmupMs, durationMs, intervalMs, drainMs = 5_000 }) => {
    const { parties = [], partySize } = config;
    const acks = { ok: 0, failed: 0, statuses: {}, latencies: new Samples(1024) };
    let sent = 0;
    let sentInWindow = 0;
    let ackedInWindow = 0;
    let stopping = false;
    const timers = [];
    const sendOne = (p, client) => {
      if (stopping || client.closed) return;
      const sentAt = performance.now();
      const inWindow = sentAt >= chat.windowStart && sentAt <= chat.windowEnd;
      sent++;
      if (inWindow) sentInWindow++;
      client
        .request('CHANNEL_CHAT', { channelId: parties[p], message: `b:${sentAt.toFixed(3)}${TEXT}` })
        .then((response) => {
          if (response.status === 200) {
            acks.ok++;
            if (inWindow) {
              ackedInWindow++;
              acks.latencies.add(performance.now() - sentAt);
            }
          } else {
            acks.failed++;
            const key = `${response.status}/${response.body?.code ?? ''}`;
            acks.statuses[key] = (acks.statuses[key] ?? 0) + 1;
          }
        })
        .catch(() => acks.failed++);
    };
    // This process's own event-loop delay: how late the machine lets a timer fire here (scheduling).
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    setTimeout(() => loopDelay.enable(), warmupMs).unref();
    const now = performance.now();
    chat.windowStart = now + warmupMs;
    chat.windowEnd = now + warmupMs + durationMs;
    chat.deliveries = 0;
    chat.latencies = new Samples(1024);
    // Every chatting player: one message every intervalMs, starting at a random point of the first interval.
    for (let p = 0; p < parties.length; p++) {
      for (let k = 0; k < partySize; k++) {
        const client = clients[p * partySize + k];
        if (!client) continue;
        const tick = () => {
          sendOne(p, client);
          if (!stopping) timers.push(setTimeout(tick, intervalMs));
        };
        timers.push(setTimeout(tick, Math.random() * intervalMs));
      }
    }
    await sleep(warmupMs + durationMs);
    stopping = true;
    loopDelay.disable();
    for (const t of timers) clearTimeout(t);
    // Deliveries of the window's last messages: wait until the pushes stop (or drainMs).
    const drainStart = performance.now();
    while (performance.now() - drainStart < drainMs && performance.now() - Math.max(chat.lastAt, drainStart) < 1_000) await sleep(50);
    const recipients = partySize - 1;
    process.send({
      type: 'chatted',
      parties: parties.length,
      messagesSent: sent,
      messagesInWindow: sentInWindow,
      messagesAckedInWindow: ackedInWindow,
      messagesRefused: acks.failed,
      refusedStatuses: acks.statuses,
      deliveries: chat.deliveries,
      expectedDeliveries: ackedInWindow * recipients,
      latencyMs: chat.latencies.summary(),
      latencies: Array.from(chat.latencies.values.subarray(0, chat.latencies.length)),
      ackLatencyMs: acks.latencies.summary(),
      seconds: round(durationMs / 1000),
      loopDelayMs: { p50: round(loopDelay.percentile(50) / 1e6), p99: round(loopDelay.percentile(99) / 1e6), max: round(loopDelay.max / 1e6) },
    });
  },

  close: async () => {
    // Count how many of the held sockets the server closed meanwhile (idle timeouts etc.).
    const dropped = clients.filter((c) => c && c.closed).length;
    for (const c of clients) c?.terminate();
    clients = [];
    process.send({ type: 'result', dropped });
  },
});
