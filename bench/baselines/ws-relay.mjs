// Baseline for the realtime scenarios: a bare `ws` relay doing only the irreducible work of the
// Hive protocol (docs/realtime.md). CONNECT checks the HS256 token; ENTER_CHANNEL adds the socket to an
// in-memory room; CHANNEL_CHAT parses the frame, serialises ONE NOTIFY_CHANNEL_CHAT and writes
// that buffer to every other socket of the room, then answers the sender. No database.
// With REDIS_URL (scale-out) each message is also published ONCE to the room's Redis channel and
// the other instances deliver it to their local members.
//   PORT=... JWT_SECRET=... [REDIS_URL=... REDIS_PREFIX=...] node bench/baselines/ws-relay.mjs
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { verifyPlayerToken } from '../lib/jwt.mjs';

const port = Number(process.env.PORT ?? 3100);
const secret = process.env.JWT_SECRET ?? '';
const prefix = process.env.REDIS_PREFIX ?? `bench-relay-${randomBytes(4).toString('hex')}`;
const instance = randomBytes(6).toString('hex');
const rooms = new Map(); // channelId -> Set<socket>
const sendString = process.env.RELAY_SEND_STRING === '1';
let sequence = 0;

let publisher = null;
let subscriber = null;
if (process.env.REDIS_URL) {
  const { default: Redis } = await import('ioredis');
  publisher = new Redis(process.env.REDIS_URL);
  subscriber = new Redis(process.env.REDIS_URL);
  subscriber.on('messageBuffer', (_channel, message) => {
    // `<instance> <channelId>\n<frame>`: skip our own; deliver the frame to the local room.
    const newline = message.indexOf(10);
    const [from, channelId] = message.toString('latin1', 0, newline).split(' ');
    if (from === instance) return;
    const frame = message.subarray(newline + 1);
    for (const socket of rooms.get(channelId) ?? []) socket.send(frame, { binary: false });
  });
}

const reply = (socket, packet, status, body, message = 'Success.') =>
  socket.send(JSON.stringify({ packetType: `RESPONSE_${packet.packetType}`, correlationId: packet.correlationId, status, message, body }));

function handle(socket, raw) {
  let packet;
  try {
    packet = JSON.parse(raw);
  } catch {
    socket.close();
    return;
  }
  const body = packet.body ?? {};
  if (!socket.player) {
    const claims = packet.packetType === 'CONNECT' ? verifyPlayerToken(secret, body.token) : null;
    if (!claims) {
      reply(socket, packet, 401, { code: 101 }, 'invalid token');
      socket.close();
      return;
    }
    socket.player = claims.playerId;
    socket.rooms = new Set();
    reply(socket, packet, 200, { playerId: claims.playerId, gameIndex: claims.gameIndex, channelIds: [] });
    return;
  }
  switch (packet.packetType) {
    case 'PING':
      socket.send(JSON.stringify({ packetType: 'PONG', correlationId: packet.correlationId }));
      return;
    case 'ENTER_CHANNEL': {
      let room = rooms.get(body.channelId);
      if (!room) {
        rooms.set(body.channelId, (room = new Set()));
        subscriber?.subscribe(`${prefix}:${body.channelId}`);
      }
      room.add(socket);
      socket.rooms.add(body.channelId);
      reply(socket, packet, 200, {});
      return;
    }
    case 'CHANNEL_CHAT': {
      const room = rooms.get(body.channelId);
      if (!room || !room.has(socket)) {
        reply(socket, packet, 400, { code: 301 }, 'not in channel');
        return;
      }
      const now = Date.now();
      const messageId = String(((BigInt(now) - 1735689600000n) << 22n) | BigInt(sequence++ & 0xfff));
      const frame = Buffer.from(
        JSON.stringify({
          packetType: 'NOTIFY_CHANNEL_CHAT',
          body: {
            channelId: body.channelId,
            messageId,
            from: socket.player,
            message: body.message,
            extraData: body.extraData ?? null,
            replyMessageId: body.replyMessageId ?? null,
            mentionedPlayerIds: body.mentionedPlayerIds ?? [],
            timestamp: new Date(now).toISOString(),
            timestampMillis: now,
          },
        }),
      );
      // RELAY_SEND_STRING=1 (an experiment knob): write the JSON string to each socket instead of
      // one Buffer, as our gateway does, to measure what the per-socket UTF-8 encoding costs.
      const payload = sendString ? frame.toString() : frame;
      for (const member of room) if (member !== socket) member.send(payload, { binary: false });
      if (publisher) {
        publisher.publish(`${prefix}:${body.channelId}`, Buffer.concat([Buffer.from(`${instance} ${body.channelId}\n`), frame]));
      }
      reply(socket, packet, 200, { messageId, timestampMillis: now });
      return;
    }
    default:
      reply(socket, packet, 400, { code: 100 }, 'unsupported by the baseline');
  }
}

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/health/ready' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
});
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
wss.on('connection', (socket) => {
  socket.on('message', (data) => handle(socket, data));
  socket.on('error', () => {});
  socket.on('close', () => {
    for (const channelId of socket.rooms ?? []) rooms.get(channelId)?.delete(socket);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`ws relay baseline on ${port}${publisher ? ' (redis)' : ''}`));
