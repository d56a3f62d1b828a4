// Mass-reconnect generator: `count` players connect (CONNECT, at most `concurrency` handshakes at
// once, player i to urls[i % urls.length]) and hold their sockets. On `drop` every socket is cut at
// once (no close handshake, as a network blip or a crashed load balancer would); each player then
// waits a jitter drawn uniformly from `jitterMs` and comes back on a new socket from
// `reconnectAddress` through the next instance (urls[(i + 1) % urls.length]: a load balancer need not
// send it where it was), with `packet` (RECONNECT with the positions its CONNECT answered, or
// CONNECT). A refused or failed attempt is retried after `retryMs`, as a client would.
// Reports when the last player was online again and the latency of every successful attempt.
import { signPlayerToken } from '../lib/jwt.mjs';
import { Samples, round } from '../lib/stats.mjs';
import { serve, sleep, wallMs } from './common.mjs';
import { HiveClient, pool } from './wsclient.mjs';

let config = null;
let tokens = [];
let players = [];

/** Pushes (NOTIFY_PRESENCE of guild mates, ...) are counted, never parsed. */
let pushes = 0;
const onPush = () => {
  pushes++;
};

async function connectOnce(url, address, token, packet, positions) {
  const client = new HiveClient(url, { localAddress: address, onPush });
  try {
    await client.open(30_000);
    const body = packet === 'RECONNECT' ? { token, positions } : { token };
    const response = await client.request(packet, body, 30_000);
    if (response.status !== 200) throw new Error(`${packet} refused: ${response.status} ${response.message}`);
    return { client, response };
  } catch (err) {
    client.terminate();
    throw err;
  }
}

serve({
  run: async (msg) => {
    config = msg.config;
    const { secret, gameIndex, idStart, count } = config;
    // Signed before the clock starts: the client's signing is not the server's work.
    tokens = Array.from({ length: count }, (_, i) => signPlayerToken(secret, gameIndex, idStart + i));
    players = tokens.map(() => ({ client: null, positions: [] }));
    process.send({ type: 'prepared' });
  },
  go: async () => {
    const { urls, localAddress, count, concurrency = 50 } = config;
    const startedAt = wallMs();
    let lastOkAt = startedAt;
    let ok = 0;
    const errors = await pool(count, concurrency, async (i) => {
      const { client, response } = await connectOnce(urls[i % urls.length], localAddress, tokens[i], 'CONNECT');
      players[i].client = client;
      players[i].positions = response.body?.positions ?? [];
      ok++;
      lastOkAt = wallMs();
    });
    process.send({ type: 'connected', ok, failed: errors.length, firstError: errors[0]?.message ?? null, startedAt, lastOkAt });
  },
  drop: async () => {
    const { urls, reconnectAddress, count, packet = 'RECONNECT', jitterMs = [2000, 5000], retryMs = 1000, maxAttempts = 20 } = config;
    const droppedAt = wallMs();
    for (const p of players) p.client?.terminate();
    pushes = 0;
    const latency = new Samples(Math.max(16, count));
    let firstSentAt = Infinity;
    let lastOkAt = droppedAt;
    let ok = 0;
    let retries = 0;
    const errors = [];
    const [low, high] = jitterMs;
    await Promise.all(
      players.map(async (p, i) => {
        await sleep(low + Math.random() * (high - low));
        for (let attempt = 1; ; attempt++) {
          const sentAt = wallMs();
          if (sentAt < firstSentAt) firstSentAt = sentAt;
          try {
            const { client } = await connectOnce(urls[(i + 1) % urls.length], reconnectAddress, tokens[i], packet, p.positions);
            p.client = client;
            const now = wallMs();
            latency.add(now - sentAt);
            if (now > lastOkAt) lastOkAt = now;
            ok++;
            return;
          } catch (err) {
            if (attempt >= maxAttempts) {
              errors.push(err);
              return;
            }
            retries++;
            await sleep(retryMs);
          }
        }
      }),
    );
    process.send({
      type: 'reconnected',
      ok,
      failed: errors.length,
      retries,
      firstError: errors[0]?.message ?? null,
      droppedAt,
      firstSentAt,
      lastOkAt,
      latency: latency.summary(),
      pushes,
      secondsToAllOnline: round((lastOkAt - droppedAt) / 1000),
    });
  },
  close: async () => {
    const dropped = players.filter((p) => p.client?.closed).length;
    for (const p of players) p.client?.terminate();
    players = [];
    process.send({ type: 'result', dropped });
  },
});
