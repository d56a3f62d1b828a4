import { Injectable } from '@nestjs/common';
import { ChannelService } from '../../channel/channel.service.js';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { ChatTopics } from '../delivery/chat-topics.js';
import { ReconnectDto, fastReconnectBody } from '../dto/session.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import { ChannelIdsLoader } from '../session/channel-ids-loader.js';
import { ReconnectMemory } from '../session/reconnect-memory.js';
import { SessionLifecycle } from '../session/session-lifecycle.service.js';
import type { Session } from '../session/session.js';
import { ResumeService } from '../streams/resume.service.js';
import { Streams } from '../streams/streams.service.js';
import { SessionAuthenticator } from './authenticate.js';

/**
 * Like CONNECT, then back into the PUBLIC channels the dropped connection left (within
 * RECONNECT_WINDOW), and the messages missed since the client's `positions`, replayed right after
 * the response (docs/realtime.md#resume).
 */
@Packet({ type: 'RECONNECT', body: ReconnectDto, fastBody: fastReconnectBody, opensSession: true })
@Injectable()
export class ReconnectHandler implements PacketHandler<ReconnectDto> {
  constructor(
    private readonly auth: SessionAuthenticator,
    private readonly lifecycle: SessionLifecycle,
    private readonly channels: ChannelService,
    private readonly channelIds: ChannelIdsLoader,
    private readonly memory: ReconnectMemory,
    private readonly streams: Streams,
    private readonly resume: ResumeService,
    private readonly topics: ChatTopics,
  ) {}

  async handle(session: Session, body: ReconnectDto) {
    // As CONNECT: the channels and the presence audience went out with the ban check, in one statement.
    const authenticated = await this.auth.authenticate(session, body.token);
    const { identity, audience } = authenticated;
    let loading = authenticated.channelIds;
    const { gameIndex, playerId } = identity;
    // Before the session opens: when the memory is out of reach (busy), the RECONNECT fails whole and the socket closes.
    const remembered = await this.memory.recall(gameIndex, playerId);
    await this.lifecycle.open(session, identity, body.languageCode ?? null, audience);
    const failChannelIds: string[] = [];
    for (const channelId of remembered) {
      try {
        await this.channels.enter(gameIndex, channelId, playerId);
      } catch (err) {
        const alreadyIn = err instanceof DomainError && err.code === ErrorCode.AlreadyInChannel;
        if (!alreadyIn) failChannelIds.push(channelId);
      }
    }
    if (remembered.length) {
      // The channels changed since the read that went out with the ban check.
      this.channelIds.forget(gameIndex, playerId);
      loading = this.channelIds.of(gameIndex, playerId);
    }
    const channelIds = await loading;
    // Live pushes reach this instance before the replay reads what was missed (a live copy of a replayed message is dropped).
    await this.topics.join(gameIndex, playerId, channelIds);
    const { recovered, gaps } = await this.resume.resume(session, body.positions ?? [], channelIds);
    const positions = await this.streams.positions(gameIndex, playerId, channelIds, true, true);
    return { playerId, gameIndex, channelIds, failChannelIds, positions, recovered, gaps };
  }
}
