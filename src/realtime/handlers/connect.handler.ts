import { Injectable } from '@nestjs/common';
import { ChannelService } from '../../channel/channel.service.js';
import { ConnectDto } from '../dto/session.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import { SessionLifecycle } from '../session/session-lifecycle.service.js';
import type { Session } from '../session/session.js';
import { SessionAuthenticator } from './authenticate.js';

@Packet({ type: 'CONNECT', body: ConnectDto, opensSession: true })
@Injectable()
export class ConnectHandler implements PacketHandler<ConnectDto> {
  constructor(
    private readonly auth: SessionAuthenticator,
    private readonly lifecycle: SessionLifecycle,
    private readonly channels: ChannelService,
  ) {}

  async handle(session: Session, body: ConnectDto) {
    const identity = await this.auth.authenticate(session, body.token);
    await this.lifecycle.open(session, identity, body.languageCode ?? null);
    const channelIds = await this.channels.channelIdsOf(identity.gameIndex, identity.playerId);
    return { playerId: identity.playerId, gameIndex: identity.gameIndex, channelIds };
  }
}
