import { Injectable } from '@nestjs/common';
import { ChatTopics } from '../delivery/chat-topics.js';
import { ConnectDto, fastConnectBody } from '../dto/session.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
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
    private readonly streams: Streams,
    private readonly topics: ChatTopics,
  ) {}

  async handle(session: Session, body: ConnectDto) {
    // The channels and the presence audience were asked with the ban check: settled already.
    const { identity, channelIds: loading, audience } = await this.auth.authenticate(session, body.token);
    const channelIds = await loading;
    const opened = this.lifecycle.open(session, identity, body.languageCode ?? null, audience);
    opened.catch(() => undefined);
    // Pushes of these streams reach this instance from now on (docs/realtime.md#several-instances-redis);
    // subscribed while open() writes the presence (join leaves again if the session is gone by then).
    await this.topics.join(identity.gameIndex, identity.playerId, channelIds);
    // After open() registered the session (before its first await) and after join(): a message
    // numbered from now on is pushed to this session.
    const positions = this.streams.positions(identity.gameIndex, identity.playerId, channelIds, true, true);
    positions.catch(() => undefined);
    await opened;
    return { playerId: identity.playerId, gameIndex: identity.gameIndex, channelIds, positions: await positions };
  }
}
