// Drop and resume (docs/realtime.md#resume): `clients` players of one PUBLIC channel (a lobby: its
// members leave it when they drop, and RECONNECT puts them back) lose their sockets at once;
// `missed` messages later they RECONNECT with their positions. BENCH_RESUME_TYPE=GROUP (at most
// 499 clients and the sender) keeps the memberships through the drop: the replay alone, without the re-entries. Measured: the time from the
// first RECONNECT until every client has every missed message, and the messages lost (goal 0).
// Ours only: the relay baseline has nothing to resume.
import { fileURLToPath } from 'node:url';
import { hive } from '../lib/api.mjs';
import { signPlayerToken } from '../lib/jwt.mjs';
import { nextMessage, settle, startGenerator, stop } from '../lib/proc.mjs';
import { median, round } from '../lib/stats.mjs';
import { HiveClient } from '../gen/wsclient.mjs';

const GEN = fileURLToPath(new URL('../gen/ws-resume.mjs', import.meta.url));

export async function resume(ctx) {
  const { cfg, app, log } = ctx;
  const { clients, missed, type } = cfg.resume;
  const runs = [];
  for (let r = 0; r < cfg.rounds; r++) {
    const channelId = `resume-${cfg.runId}-${r}`;
    const idStart = 6_000_000 + r * 100_000;
    const api = hive(cfg, app.url);
    await api.createChannel({ channelId, channelName: channelId, maxMemberCount: type === 'PUBLIC' ? 5000 : 500, type });
    const senderId = idStart + clients;
    const sender = new HiveClient(app.wsUrl, { localAddress: '127.9.0.1' });
    await sender.open();
    await sender.connect(signPlayerToken(cfg.jwtSecret, cfg.gameIndex, senderId));
    const gen = startGenerator(`resume-${r}`, GEN);
    try {
      gen.send({
        type: 'run',
        config: {
          url: app.wsUrl,
          localAddress: `127.9.${r + 1}.1`,
          secret: cfg.jwtSecret,
          gameIndex: cfg.gameIndex,
          idStart,
          count: clients,
          channelId,
        },
      });
      const connected = await nextMessage(gen, 'connected', 120_000);
      if (connected.ok !== clients) throw new Error(`only ${connected.ok} of ${clients} connected: ${connected.firstError}`);
      const joined = await sender.request('ENTER_CHANNEL', { channelId });
      if (joined.status !== 200) throw new Error(`ENTER_CHANNEL refused: ${joined.status} ${joined.message}`);
      await settle(app.pid, { timeoutMs: 60_000 });
      const say = async (text) => {
        const res = await sender.request('CHANNEL_CHAT', { channelId, message: text });
        if (res.status !== 200) throw new Error(`CHANNEL_CHAT refused: ${res.status} ${res.message}`);
        return res.body.seq;
      };
      const seen = await say('before the drop');
      gen.send({ type: 'seen', seq: seen });
      await nextMessage(gen, 'seen', 60_000);
      gen.send({ type: 'drop' });
      await nextMessage(gen, 'dropped', 30_000);
      let last = seen;
      for (let i = 0; i < missed; i++) last = await say(`missed ${i + 1}`);
      // The server has seen every drop (PUBLIC clean-up, presence) before the clients come back.
      await settle(app.pid, { timeoutMs: 60_000 });
      await ctx.profileReset?.();
      gen.send({ type: 'resume', config: { url: app.wsUrl, localAddress: `127.9.${r + 1}.2`, channelId, untilSeq: last } });
      const res = await nextMessage(gen, 'resumed', 180_000);
      log(
        `  resume round ${r + 1}: ${res.clients} clients, ${missed} missed each: all recovered in ${res.recoverMs} ms, lost ${res.lost}, gaps ${res.gaps}, failed ${res.failed}${res.firstError ? ` (${res.firstError})` : ''}`,
      );
      runs.push(res);
      await ctx.profile?.(`resume-${r}`);
      gen.send({ type: 'close' });
      await nextMessage(gen, 'closed', 30_000);
    } finally {
      sender.terminate();
      await stop(gen, 'SIGKILL', 2_000);
      await api.deleteChannel(channelId).catch(() => undefined);
      await settle(app.pid, { timeoutMs: 60_000 });
    }
  }
  const out = {
    type,
    clients,
    missed,
    recoverMs: round(median(runs.map((x) => x.recoverMs))),
    lost: Math.max(...runs.map((x) => x.lost)),
    gaps: Math.max(...runs.map((x) => x.gaps)),
    failed: Math.max(...runs.map((x) => x.failed)),
    rounds: runs,
  };
  out.goals = { lost: { goal: 'no message lost', value: out.lost, met: out.lost === 0 && out.gaps === 0 && out.failed === 0 } };
  return out;
}
