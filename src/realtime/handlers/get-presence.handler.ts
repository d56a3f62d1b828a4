import { Injectable } from '@nestjs/common';
import { PresenceService } from '../../presence/presence.service.js';
import { GetPresenceDto } from '../dto/player.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

/** Online state and last-seen time of players of the caller's game, wherever they are connected. */
@Packet({ type: 'GET_PRESENCE', body: GetPresenceDto })
@Injectable()
export class GetPresenceHandler implements PacketHandler<GetPresenceDto> {
  constructor(private readonly presence: PresenceService) {}

  async handle(session: Session, body: GetPresenceDto) {
    const { gameIndex } = session.player;
    const ids = [...new Set(body.playerIds)];
    const [since, seen] = await Promise.all([this.presence.connectedSince(gameIndex, ids), this.presence.lastSeen(gameIndex, ids)]);
    return {
      players: ids.map((playerId) => ({ playerId, online: since.get(playerId) != null, lastSeenMillis: seen.get(playerId) ?? null })),
    };
  }
}
