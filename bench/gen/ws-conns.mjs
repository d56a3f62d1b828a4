// Connection load generator: opens `count` WebSockets from one source address (`localAddress`,
// a 127.x.y.z), each authenticated with CONNECT, at most `concurrency` handshakes at once. Reports
// `connected`, then holds the sockets idle (answering nothing, sending nothing) until told `close`.
import { signPlayerToken } from '../lib/jwt.mjs';
import { round } from '../lib/stats.mjs';
import { serve, wallMs } from './common.mjs';
import { HiveClient, pool } from './wsclient.mjs';

let clients = [];

serve({
  run: async ({ config }) => {
    const { url, localAddress, secret, gameIndex, idStart, count, concurrency = 100 } = config;
    // Tokens are signed before the clock starts: the client's signing is not the server's work.
    const tokens = Array.from({ length: count }, (_, i) => signPlayerToken(secret, gameIndex, idStart + i));
    process.send({ type: 'prepared' });
    await new Promise((resolve) => process.once('message', (msg) => msg?.type === 'go' && resolve()));
    clients = new Array(count);
    const startedAt = wallMs();
    let lastOkAt = startedAt;
    let ok = 0;
    const errors = await pool(count, concurrency, async (i) => {
      const client = new HiveClient(url, { localAddress });
      clients[i] = client;
      await client.open(30_000);
      await client.connect(tokens[i]);
      ok++;
      lastOkAt = wallMs();
    });
    process.send({
      type: 'connected',
      ok,
      failed: errors.length,
      firstError: errors[0]?.message ?? null,
      startedAt,
      lastOkAt,
      ms: round(lastOkAt - startedAt),
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
