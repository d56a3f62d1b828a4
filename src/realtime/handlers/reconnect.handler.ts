import { Injectable } from '@nestjs/common';
import { ChannelQueries } from '../../channel/channel-queries.js';
import { ChannelService } from '../../channel/channel.service.js';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { ConnectDto, fastConnectBody } from '../dto/session.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import { ReconnectMemory } from '../session/reconnect-memory.js';
import { SessionLifecycle } from '../session/session-lifecycle.service.js';
import type { Session } from '../session/session.js';
import { Streams } from '../streams/streams.service.js';
import { SessionAuthenticator } from './authenticate.js';

/** Like CONNECT, then back into the PUBLIC channels the dropped connection left (within RECONNECT_WINDOW). */
@Packet({ type: 'RECONNECT', body: ConnectDto, fastBody: fastConnectBody, opensSession: true })
@Injectable()
export class ReconnectHandler implements PacketHandler<ConnectDto> {
  constructor(
    private readonly auth: SessionAuthenticator,
    private readonly lifecycle: SessionLifecycle,
    private readonly channels: ChannelService,
    private readonly queries: ChannelQueries,
    private readonly memory: ReconnectMemory,
    private readonly streams: Streams,
  ) {}

  async handle(session: Session, body: ConnectDto) {
    const identity = await this.auth.authenticate(session, body.token);
    const { gameIndex, playerId } = identity;
    // Before the session opens: when the memory is out of reach (busy), the RECONNECT fails whole and the socket closes.
    const remembered = await this.memory.recall(gameIndex, playerId);
    await this.lifecycle.open(session, identity, body.languageCode ?? null);
    const failChannelIds: string[] = [];
    for (const channelId of remembered) {
      try {
        await this.channels.enter(gameIndex, channelId, playerId);
      } catch (err) {
        const alreadyIn = err instanceof DomainError && err.code === ErrorCode.AlreadyInChannel;
        if (!alreadyIn) failChannelIds.push(channelId);
      }
    }
    const channelIds = await this.queries.channelIdsOf(gameIndex, playerId);
    const positions = await this.streams.positions(gameIndex, playerId, channelIds);
    return { playerId, gameIndex, channelIds, failChannelIds, positions };
  }
}
