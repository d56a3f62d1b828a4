import { Injectable } from '@nestjs/common';
import { ChatTopics } from '../delivery/chat-topics.js';
import { ConnectDto, fastConnectBody } from '../dto/session.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import { ChannelIdsLoader } from '../session/channel-ids-loader.js';
import { SessionLifecycle } from '../session/session-lifecycle.service.js';
import type { Session } from '../session/session.js';
import { Streams } from '../streams/streams.service.js';
import { SessionAuthenticator } from './authenticate.js';

@Packet({ type: 'CONNECT', body: ConnectDto, fastBody: fastConnectBody, opensSession: true })
@Injectable()
export class ConnectHandler implements PacketHandler<ConnectDto> {
  constructor(
    private readonly auth: SessionAuthenticator,
    private readonly lifecycle: SessionLifecycle,
    private readonly channelIds: ChannelIdsLoader,
    private readonly streams: Streams,
    private readonly topics: ChatTopics,
  ) {}

  async handle(session: Session, body: ConnectDto) {
    const identity = await this.auth.authenticate(session, body.token);
    // Asked before open(): the presence audience asks the same and both share one batched read.
    const loading = this.channelIds.of(identity.gameIndex, identity.playerId);
    loading.catch(() => undefined);
    await this.lifecycle.open(session, identity, body.languageCode ?? null);
    const channelIds = await loading;
    // Pushes of these streams reach this instance from now on (docs/realtime.md#several-instances-redis).
    await this.topics.join(identity.gameIndex, identity.playerId, channelIds);
    // After open() and join(): a message numbered from now on is pushed to this session.
    const positions = await this.streams.positions(identity.gameIndex, identity.playerId, channelIds);
    return { playerId: identity.playerId, gameIndex: identity.gameIndex, channelIds, positions };
  }
}
