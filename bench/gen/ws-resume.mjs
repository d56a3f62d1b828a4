// Drop-and-resume generator (docs/realtime.md#resume): `count` players connect and enter one
// channel (its epoch comes with RESPONSE_ENTER_CHANNEL); on `drop` every socket is cut without a close handshake; on `resume` each opens a new
// socket and sends RECONNECT with the last position it saw, then counts the replayed messages
// until it has every seq up to `untilSeq`. Reports how long until all recovered and what is missing.
import { signPlayerToken } from '../lib/jwt.mjs';
import { round } from '../lib/stats.mjs';
import { serve, wallMs } from './common.mjs';
import { HiveClient, pool } from './wsclient.mjs';

let players = [];

/** One player: its socket, and the seqs of the channel it has seen. */
function follower(channelId) {
  const player = { client: null, seen: new Set(), lastSeq: 0, epoch: null, done: null, untilSeq: Infinity };
  player.onPush = (data) => {
    if (!data.includes('"NOTIFY_CHANNEL_CHAT"')) return;
    const { body } = JSON.parse(data.toString());
    if (body.channelId !== channelId) return;
    player.seen.add(body.seq);
    if (body.seq > player.lastSeq) player.lastSeq = body.seq;
    if (player.done && player.lastSeq >= player.untilSeq) player.done();
  };
  return player;
}

serve({
  run: async ({ config }) => {
    const { url, localAddress, secret, gameIndex, idStart, count, concurrency = 50, channelId } = config;
    const tokens = Array.from({ length: count }, (_, i) => signPlayerToken(secret, gameIndex, idStart + i));
    players = tokens.map(() => follower(channelId));
    const errors = await pool(count, concurrency, async (i) => {
      const p = players[i];
      p.client = new HiveClient(url, { localAddress, onPush: p.onPush });
      await p.client.open(30_000);
      await p.client.connect(tokens[i]);
      const entered = await p.client.request('ENTER_CHANNEL', { channelId });
      if (entered.status !== 200) throw new Error(`ENTER_CHANNEL refused: ${entered.status} ${entered.message}`);
      p.epoch = entered.body.position.epoch;
    });
    players.tokens = tokens;
    process.send({ type: 'connected', ok: count - errors.length, firstError: errors[0]?.message ?? null });
  },
  /** Resolves once every player has seen `seq`. */
  seen: async ({ seq }) => {
    await Promise.all(players.map((p) => (p.lastSeq >= seq ? null : new Promise((resolve) => ((p.untilSeq = seq), (p.done = resolve))))));
    for (const p of players) p.done = null;
    process.send({ type: 'seen' });
  },
  drop: async () => {
    for (const p of players) p.client.terminate();
    process.send({ type: 'dropped', lastSeqs: [...new Set(players.map((p) => p.lastSeq))] });
  },
  resume: async ({ config }) => {
    const { url, localAddress, concurrency = 100, channelId, untilSeq, timeoutMs = 60_000 } = config;
    const from = players.map((p) => p.lastSeq);
    const startedAt = wallMs();
    let lastDoneAt = startedAt;
    let gaps = 0;
    const errors = await pool(players.length, concurrency, async (i) => {
      const p = players[i];
      p.untilSeq = untilSeq;
      const recovered = new Promise((resolve) => (p.done = resolve));
      p.client = new HiveClient(url, { localAddress, onPush: p.onPush });
      await p.client.open(30_000);
      const res = await p.client.request('RECONNECT', {
        token: players.tokens[i],
        positions: [{ channelId, epoch: p.epoch, seq: p.lastSeq }],
      });
      if (res.status !== 200) throw new Error(`RECONNECT refused: ${res.status} ${res.message}`);
      if (res.body.gaps.length) gaps++;
      if (p.lastSeq < untilSeq && !res.body.gaps.length) {
        await Promise.race([recovered, new Promise((_, reject) => setTimeout(() => reject(new Error('recovery timed out')), timeoutMs))]);
      }
      lastDoneAt = Math.max(lastDoneAt, wallMs());
    });
    let lost = 0;
    players.forEach((p, i) => {
      for (let seq = from[i] + 1; seq <= untilSeq; seq++) if (!p.seen.has(seq)) lost++;
    });
    process.send({
      type: 'resumed',
      clients: players.length,
      failed: errors.length,
      firstError: errors[0]?.message ?? null,
      gaps,
      lost,
      recoverMs: round(lastDoneAt - startedAt),
    });
  },
  close: async () => {
    for (const p of players) p.client?.terminate();
    players = [];
    process.send({ type: 'closed' });
  },
});
