import { Injectable } from '@nestjs/common';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';

/** PING → PONG; any packet also resets the idle timer (the router does that). */
@Packet({ type: 'PING' })
@Injectable()
export class PingHandler implements PacketHandler {
  handle() {
    return {};
  }
}
